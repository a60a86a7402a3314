// The claim graph page: draws the node-link data of claim_lsp/graph.py (embedded in the page
// as JSON, or posted by the VS Code extension) with Cytoscape.js, laid out by d3-force.
//
// Titles, descriptions and every other value come from the notes: user text. They reach the
// page only through textContent and Cytoscape's canvas labels, never through innerHTML.
(function () {
  'use strict';

  // Colour by confidence. The claim scale has fixed colours (Okabe-Ito, safe for colour
  // blindness); any other value (positions say high/moderate/cautious, beliefs
  // strong/moderate/developing) takes the next spare colour, in order of frequency.
  var CONFIDENCE_COLOURS = { proven: '#009E73', likely: '#0072B2', experimental: '#E69F00', speculative: '#CC79A7' };
  var SPARE_COLOURS = ['#56B4E9', '#D55E00', '#F0E442', '#8C564B', '#7F3C8D', '#11A579'];
  var OTHER_COLOUR = '#B07AA1'; // the values past the spare colours
  var NO_CONFIDENCE = '#A0A4A8';
  var NONE = '(none)';

  // Shape by type: the built-in types keep theirs from vault to vault; other types take the
  // spare shapes in order of frequency.
  var TYPE_SHAPES = {
    claim: 'ellipse', source: 'rectangle', entity: 'diamond', position: 'star', belief: 'hexagon',
    musing: 'triangle', conviction: 'pentagon',
  };
  var SPARE_SHAPES = ['vee', 'rhomboid', 'octagon', 'tag', 'round-triangle', 'concave-hexagon', 'round-diamond'];
  var OTHER_SHAPE = 'round-octagon';
  var UNTYPED_SHAPE = 'round-rectangle';
  var MISSING_TYPE = '(missing note)';

  // Edge kinds: `link` for plain links, else the relation field the link sits in.
  var KIND_STYLES = {
    link: { color: '#8C959F', width: 1, line: 'solid' },
    depends_on: { color: '#0072B2', width: 2.2, line: 'solid' },
    challenged_by: { color: '#D55E00', width: 2.2, line: 'dashed' },
    challenges: { color: '#D55E00', width: 2.2, line: 'dashed' },
    claims_extracted: { color: '#009E73', width: 1.8, line: 'dotted' },
    enrichments: { color: '#7F3C8D', width: 1.8, line: 'dotted' },
    enrichments_applied: { color: '#7F3C8D', width: 1.8, line: 'dotted' },
  };
  var OTHER_KIND = { color: '#B07AA1', width: 1.8, line: 'solid' };

  // Above these, the drawing trades looks for speed (see the README's limits).
  var BIG_GRAPH_NODES = 600; // haystack edges (arrows only in a focused neighbourhood), edges hidden while panning
  var CROWDED_NODES = 60; // above: a label shows once zoomed in enough to read it
  var SYNC_LAYOUT_NODES = 400; // below: lay out in one go; above: in slices, the page answering between
  var SLICE_MS = 25;
  var BIG_GRAPH_TICKS = 200; // d3-force's default is 300: a big graph settles well enough in fewer
  var EDGE_CHUNK = 1500; // edges given to Cytoscape at a time
  var LABEL_CHARS = 48;
  var FIT_ZOOM_MAX = 1.3;

  var host = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null; // eslint-disable-line no-undef
  var $ = function (id) { return document.getElementById(id); };
  var cy = null;
  var state = null; // what draw() worked out for the current data
  var generation = 0; // a newer draw() stops an older layout

  var api = (window.claimGraph = { ready: false, layoutMs: null, drawMs: null });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function cssVar(name, fallback) {
    var v = getComputedStyle(document.body).getPropertyValue(name).trim();
    return v || fallback;
  }

  function key(value) {
    return value === null || value === undefined || value === '' ? NONE : String(value);
  }

  function countBy(items, fn) {
    var counts = new Map();
    items.forEach(function (item) {
      var k = fn(item);
      counts.set(k, (counts.get(k) || 0) + 1);
    });
    return counts;
  }

  function byCount(counts) { // keys, most frequent first, then by name; NONE last
    return Array.from(counts.keys()).sort(function (a, b) {
      if ((a === NONE) !== (b === NONE)) return a === NONE ? 1 : -1;
      return counts.get(b) - counts.get(a) || (a < b ? -1 : a > b ? 1 : 0);
    });
  }

  function shorten(text, n) {
    return text.length > n ? text.slice(0, n - 1) + '…' : text;
  }

  // ---- what the data says ---------------------------------------------------------------

  function confidenceOf(node) { return node.missing ? NONE : key(node.confidence && String(node.confidence).toLowerCase()); }
  function typeOf(node) { return node.missing ? MISSING_TYPE : key(node.type); }
  function domainOf(node) { return key(node.domain); }

  // graph_html.compact's form (edges as index triples, notes without their path) -> node-link
  function expand(data) {
    var nodes = data.nodes || [];
    nodes.forEach(function (n) { if (!n.missing && n.path === undefined) n.path = n.id; });
    if (!data.kinds) return data;
    var edges = (data.edges || []).map(function (e) {
      return { source: nodes[e[0]].id, target: nodes[e[1]].id, kind: data.kinds[e[2]] };
    });
    return { graph: data.graph || {}, nodes: nodes, edges: edges };
  }

  function analyse(data) {
    var nodes = data.nodes || [];
    var edges = data.edges || [];
    var confidences = countBy(nodes, confidenceOf);
    var types = countBy(nodes, typeOf);
    var domains = countBy(nodes, domainOf);
    var kinds = countBy(edges, function (e) { return e.kind; });

    var colours = new Map();
    var spare = 0;
    byCount(confidences).forEach(function (c) {
      if (c === NONE) colours.set(c, NO_CONFIDENCE);
      else if (CONFIDENCE_COLOURS[c]) colours.set(c, CONFIDENCE_COLOURS[c]);
      else colours.set(c, spare < SPARE_COLOURS.length ? SPARE_COLOURS[spare++] : OTHER_COLOUR);
    });
    var shapes = new Map();
    var spareShape = 0;
    byCount(types).forEach(function (t) {
      if (t === MISSING_TYPE) shapes.set(t, 'ellipse');
      else if (t === NONE) shapes.set(t, UNTYPED_SHAPE);
      else if (TYPE_SHAPES[t]) shapes.set(t, TYPE_SHAPES[t]);
      else shapes.set(t, spareShape < SPARE_SHAPES.length ? SPARE_SHAPES[spareShape++] : OTHER_SHAPE);
    });
    var byId = new Map();
    nodes.forEach(function (n) { byId.set(n.id, n); });
    return {
      data: data, nodes: nodes, edges: edges, byId: byId,
      confidences: confidences, types: types, domains: domains, kinds: kinds,
      colours: colours, shapes: shapes,
      big: nodes.length > BIG_GRAPH_NODES,
      seeds: new Set(((data.graph || {}).selected) || []),
      on: {
        confidence: new Set(confidences.keys()), type: new Set(types.keys()),
        domain: new Set(domains.keys()), kind: new Set(kinds.keys()),
      },
    };
  }

  function kindStyle(kind) { return KIND_STYLES[kind] || OTHER_KIND; }

  function nodeSize(backlinks) { return Math.min(64, 12 + 5 * Math.sqrt(backlinks || 0)); }

  function elements(s) {
    var out = [];
    s.nodes.forEach(function (n) {
      out.push({
        group: 'nodes',
        data: {
          id: n.id, label: shorten(String(n.title || n.id), LABEL_CHARS),
          colour: s.colours.get(confidenceOf(n)), shape: s.shapes.get(typeOf(n)), size: nodeSize(n.backlinks),
          font: Math.round(9 + (nodeSize(n.backlinks) - 12) / 8),
        },
        classes: (n.missing ? 'missing' : '') + (s.seeds.has(n.id) ? ' seed' : ''),
      });
    });
    s.edges.forEach(function (e, i) {
      if (!s.byId.has(e.source) || !s.byId.has(e.target)) return;
      var st = kindStyle(e.kind);
      var target = s.byId.get(e.target);
      out.push({
        group: 'edges',
        data: { id: 'e' + i, source: e.source, target: e.target, kind: e.kind, colour: st.color, width: st.width, line: st.line },
        classes: target.missing ? 'to-missing' : '',
      });
    });
    return out;
  }

  function stylesheet(s) {
    var fg = cssVar('--fg', '#1f2328');
    var bg = cssVar('--bg', '#ffffff');
    var muted = cssVar('--muted', '#59636e');
    var accent = cssVar('--accent', '#0969da');
    return [
      {
        selector: 'node',
        style: {
          'background-color': 'data(colour)', shape: 'data(shape)', width: 'data(size)', height: 'data(size)',
          'border-width': 1, 'border-color': fg, 'border-opacity': 0.45,
          label: 'data(label)', color: fg, 'font-size': 'data(font)', 'text-valign': 'bottom', 'text-margin-y': 3,
          'text-outline-color': bg, 'text-outline-width': 2, // (labels are cut in JS: Cytoscape's ellipsis measures each)
          // labels only once readable: in a crowded view, those of the notes with most backlinks first
          'min-zoomed-font-size': s.nodes.length > CROWDED_NODES ? 10 : 6,
        },
      },
      {
        selector: 'node.missing',
        style: { 'background-color': bg, 'background-opacity': 0.6, 'border-style': 'dashed', 'border-color': muted, 'border-width': 1.5, 'border-opacity': 1, color: muted },
      },
      { selector: 'node.seed', style: { 'border-width': 4, 'border-color': accent, 'border-opacity': 1, 'min-zoomed-font-size': 0, 'font-weight': 'bold', 'z-index': 10 } },
      {
        selector: 'edge',
        style: s.big ? { // haystack: the fastest edges Cytoscape draws, but without arrows
          width: 'data(width)', 'line-color': 'data(colour)', 'line-style': 'data(line)',
          'curve-style': 'haystack', 'haystack-radius': 0, opacity: 0.45,
        } : {
          width: 'data(width)', 'line-color': 'data(colour)', 'line-style': 'data(line)',
          'target-arrow-shape': 'triangle', 'target-arrow-color': 'data(colour)', 'arrow-scale': 0.7,
          'curve-style': 'bezier', opacity: 0.75,
        },
      },
      { selector: 'edge.to-missing', style: { 'line-color': muted, 'target-arrow-color': muted, 'line-style': 'dashed', opacity: 0.5 } },
      { selector: '.faded', style: { opacity: 0.12, 'text-opacity': 0 } },
      { selector: 'edge.faded', style: { opacity: 0.04 } },
      { selector: 'node.focused', style: { 'min-zoomed-font-size': 0, 'z-index': 20 } },
      { // a focused neighbourhood's edges show their direction, in a big graph too
        selector: 'edge.focused',
        style: {
          opacity: 1, 'z-index': 20, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle',
          'target-arrow-color': 'data(colour)', 'arrow-scale': 0.7,
        },
      },
      { selector: 'node:selected', style: { 'border-width': 4, 'border-color': accent, 'border-opacity': 1, 'font-weight': 'bold' } },
      { selector: '.hidden', style: { display: 'none' } },
    ];
  }

  // ---- legend and filters --------------------------------------------------------------------

  var SHAPE_CLIPS = { // CSS polygons for the legend's swatches of Cytoscape's shapes
    rectangle: 'none', 'round-rectangle': 'inset(0 round 3px)', ellipse: 'circle(50%)',
    diamond: 'polygon(50% 0, 100% 50%, 50% 100%, 0 50%)', triangle: 'polygon(50% 0, 100% 100%, 0 100%)',
    star: 'polygon(50% 0, 61% 35%, 98% 35%, 68% 57%, 79% 91%, 50% 70%, 21% 91%, 32% 57%, 2% 35%, 39% 35%)',
    hexagon: 'polygon(25% 0, 75% 0, 100% 50%, 75% 100%, 25% 100%, 0 50%)',
    pentagon: 'polygon(50% 0, 100% 38%, 82% 100%, 18% 100%, 0 38%)',
    vee: 'polygon(0 0, 50% 40%, 100% 0, 50% 100%)', rhomboid: 'polygon(25% 0, 100% 0, 75% 100%, 0 100%)',
    octagon: 'polygon(30% 0, 70% 0, 100% 30%, 100% 70%, 70% 100%, 30% 100%, 0 70%, 0 30%)',
    'round-octagon': 'polygon(30% 0, 70% 0, 100% 30%, 100% 70%, 70% 100%, 30% 100%, 0 70%, 0 30%)',
    tag: 'polygon(0 0, 70% 0, 100% 50%, 70% 100%, 0 100%)', 'round-triangle': 'polygon(50% 0, 100% 100%, 0 100%)',
    'concave-hexagon': 'polygon(0 0, 100% 0, 85% 50%, 100% 100%, 0 100%, 15% 50%)',
    'round-diamond': 'polygon(50% 0, 100% 50%, 50% 100%, 0 50%)',
  };

  function filterList(box, group, counts, swatch) {
    box.replaceChildren();
    byCount(counts).forEach(function (value) {
      var label = el('label');
      var check = el('input');
      check.type = 'checkbox';
      check.checked = state.on[group].has(value);
      check.dataset.group = group;
      check.dataset.value = value;
      check.addEventListener('change', function () {
        if (check.checked) state.on[group].add(value);
        else state.on[group].delete(value);
        applyFilters();
      });
      label.append(check);
      if (swatch) label.append(swatch(value));
      label.append(el('span', 'name', value), el('span', 'count', counts.get(value)));
      label.title = value;
      box.append(label);
    });
  }

  function buildLegend(s) {
    filterList($('filter-confidence'), 'confidence', s.confidences, function (c) {
      var sw = el('span', 'swatch');
      sw.style.background = s.colours.get(c);
      sw.style.borderRadius = '50%';
      return sw;
    });
    filterList($('filter-type'), 'type', s.types, function (t) {
      var sw = el('span', 'swatch');
      if (t === MISSING_TYPE) {
        sw.style.border = '1.5px dashed ' + cssVar('--muted', '#59636e');
        sw.style.borderRadius = '50%';
      } else {
        sw.style.background = cssVar('--fg', '#1f2328');
        sw.style.clipPath = SHAPE_CLIPS[s.shapes.get(t)] || 'none';
      }
      return sw;
    });
    filterList($('filter-kind'), 'kind', s.kinds, function (k) {
      var st = kindStyle(k);
      var sw = el('span', 'line');
      sw.style.borderTopStyle = st.line;
      sw.style.borderTopColor = st.color;
      sw.style.borderTopWidth = Math.max(2, st.width) + 'px';
      return sw;
    });
    filterList($('filter-domain'), 'domain', s.domains, null);
  }

  function applyFilters() {
    var s = state;
    cy.batch(function () { // (only what changes: a class set again restyles the element)
      cy.nodes().forEach(function (node) {
        var n = s.byId.get(node.id());
        var hide = !(s.on.confidence.has(confidenceOf(n)) && s.on.type.has(typeOf(n)) && s.on.domain.has(domainOf(n)));
        if (node.hasClass('hidden') !== hide) node.toggleClass('hidden', hide);
      });
      cy.edges().forEach(function (edge) {
        var hide = !s.on.kind.has(edge.data('kind'));
        if (edge.hasClass('hidden') !== hide) edge.toggleClass('hidden', hide);
      });
    });
    showCounts();
  }

  // Whether the filters show an element. (Not Cytoscape's visible() or ':visible': they read
  // a style it recomputes lazily, and told of edges just hidden that they were visible.)
  function shown(ele) {
    if (ele.hasClass('hidden')) return false;
    return ele.isNode() || !(ele.source().hasClass('hidden') || ele.target().hasClass('hidden'));
  }
  api.shown = shown;

  function showCounts() {
    var nodes = cy.nodes().filter(shown);
    var missing = nodes.filter('.missing').length;
    var text = (nodes.length - missing) + ' notes · ' + missing + ' missing · ' + cy.edges().filter(shown).length + ' edges';
    if (nodes.length < cy.nodes().length) text += ' (of ' + cy.nodes().length + ' nodes)';
    $('counts').textContent = text;
  }

  // ---- hover, focus, search -----------------------------------------------------------------

  function describe(box, n, tag) {
    box.replaceChildren();
    box.append(el(tag || 'div', 'title', n.title || n.id));
    if (n.missing) {
      box.append(el('div', 'meta', 'missing: no note has this title'));
    } else {
      var meta = [n.type || 'no type', n.domain || 'no domain', n.confidence || 'no confidence'].join(' · ');
      box.append(el('div', 'meta', meta));
      if (n.description) box.append(el('p', null, n.description));
    }
    box.append(el('div', 'meta', (n.backlinks || 0) + (n.backlinks === 1 ? ' backlink' : ' backlinks')));
  }

  function showTip(node, event) {
    var n = state.byId.get(node.id());
    var tip = $('tip');
    describe(tip, n);
    tip.hidden = false;
    var src = event.originalEvent;
    var x = src && src.clientX !== undefined ? src.clientX : 0;
    var y = src && src.clientY !== undefined ? src.clientY : 0;
    var w = tip.offsetWidth;
    var h = tip.offsetHeight;
    tip.style.left = Math.max(4, Math.min(x + 14, window.innerWidth - w - 4)) + 'px';
    tip.style.top = Math.max(4, Math.min(y + 14, window.innerHeight - h - 4)) + 'px';
  }

  function hideTip() { $('tip').hidden = true; }

  function focus(node, fromUser) {
    autoFit = false;
    cy.batch(function () {
      cy.elements().removeClass('focused faded');
      var hood = node.closedNeighborhood();
      cy.elements().not(hood).addClass('faded');
      hood.addClass('focused');
      cy.$(':selected').unselect();
      node.select();
    });
    var hood = node.closedNeighborhood().filter(shown);
    cy.animate({ fit: { eles: hood.length ? hood : node, padding: 50 } }, { duration: 250 });
    var n = state.byId.get(node.id());
    var info = $('info');
    describe(info, n, 'div');
    var head = el('div', 'head');
    head.append(info.firstChild);
    var close = el('button', null, '×');
    close.type = 'button';
    close.title = 'Show all (Esc)';
    close.addEventListener('click', unfocus);
    head.append(close);
    info.prepend(head);
    var ins = node.incomers('node').length;
    var outs = node.outgoers('node').length;
    info.append(el('div', 'meta', outs + ' linked · ' + ins + ' linking here'));
    if (n.path) info.append(el('div', 'path', n.path));
    info.hidden = false;
    api.focused = node.id();
    if (fromUser && host && n.path) host.postMessage({ type: 'open', path: n.path });
  }

  // The whole graph in view, not zoomed in further than FIT_ZOOM_MAX (a few nodes would fill
  // it). Again whenever the view changes size (a webview is often laid out after the first
  // draw, or resized), until the user pans, zooms or focuses a note.
  var autoFit = true;
  function fitView() {
    cy.fit(cy.elements().filter(shown), 30);
    if (cy.zoom() > FIT_ZOOM_MAX) {
      cy.zoom(FIT_ZOOM_MAX);
      cy.center(cy.elements().filter(shown));
    }
  }

  function unfocus() {
    if (!cy) return;
    cy.batch(function () {
      cy.elements().removeClass('focused faded');
      cy.$(':selected').unselect();
    });
    $('info').hidden = true;
    api.focused = null;
  }

  function wordStart(text, i) { return i === 0 || /[\s\-_/(["'.,:;]/.test(text[i - 1]); }

  // How well `query` names `title`: 0 for not at all; more for a whole substring (at the start or
  // a word's start best), then for every word of the query somewhere, then for its letters in
  // order (runs and word starts count more). Shorter titles win ties.
  function score(query, title) {
    var q = query.toLowerCase().trim();
    var t = title.toLowerCase();
    if (!q) return 0;
    var penalty = Math.min(t.length, 300) / 1000;
    var at = t.indexOf(q);
    if (at >= 0) return 300 + (at === 0 ? 100 : wordStart(t, at) ? 50 : 0) - penalty;
    var words = q.split(/\s+/);
    if (words.length > 1 && words.every(function (w) { return t.indexOf(w) >= 0; })) {
      return 200 + words.filter(function (w) { return wordStart(t, t.indexOf(w)); }).length * 10 - penalty;
    }
    var s = 0;
    var from = 0;
    var prev = -2;
    var letters = q.replace(/\s+/g, '');
    for (var k = 0; k < letters.length; k++) {
      var i = t.indexOf(letters[k], from);
      if (i < 0) return 0;
      s += i === prev + 1 ? 3 : wordStart(t, i) ? 2 : 0.5;
      prev = i;
      from = i + 1;
    }
    return Math.min(s, 199) - penalty;
  }
  api.score = score;

  function search(query, limit) {
    var found = [];
    state.nodes.forEach(function (n) {
      var sc = score(query, String(n.title || ''));
      if (sc > 0) found.push({ node: n, score: sc });
    });
    found.sort(function (a, b) { return b.score - a.score || (a.node.title < b.node.title ? -1 : 1); });
    return found.slice(0, limit || 12).map(function (f) { return f.node; });
  }
  api.search = function (query) { return search(query).map(function (n) { return n.id; }); };

  var results = [];
  var active = 0;

  function showResults() {
    var list = $('results');
    results = search($('search').value);
    active = 0;
    list.replaceChildren();
    results.forEach(function (n, i) {
      var item = el('li', i === active ? 'active' : '');
      item.setAttribute('role', 'option');
      item.append(el('div', null, n.title || n.id));
      item.append(el('div', 'meta', n.missing ? 'missing' : [n.type, n.domain, n.confidence].filter(Boolean).join(' · ')));
      item.addEventListener('mousedown', function (ev) { ev.preventDefault(); pick(i); });
      list.append(item);
    });
    list.hidden = results.length === 0;
  }

  function pick(i) {
    var n = results[i];
    $('results').hidden = true;
    if (!n) return;
    var node = cy.getElementById(n.id);
    if (node.hasClass('hidden')) { // a filtered-out note was asked for by name: show it
      [['confidence', confidenceOf(n)], ['type', typeOf(n)], ['domain', domainOf(n)]].forEach(function (gv) {
        state.on[gv[0]].add(gv[1]);
      });
      buildLegend(state);
      applyFilters();
    }
    focus(node, true);
  }

  function moveActive(step) {
    var items = $('results').children;
    if (!items.length) return;
    items[active].classList.remove('active');
    active = (active + step + items.length) % items.length;
    items[active].classList.add('active');
    items[active].scrollIntoView({ block: 'nearest' });
  }

  // ---- layout -------------------------------------------------------------------------------

  // d3-force lays the graph out (Barnes-Hut many-body repulsion, springs along the edges, a
  // weak pull to the centre that keeps separate parts in view); small graphs in one go, large
  // ones in slices of a few milliseconds so that the page keeps answering, with a progress line.
  function layout(s, previous, done) {
    var gen = generation;
    var nodes = s.nodes.map(function (n) {
      var p = previous && previous.get(n.id);
      var sim = { id: n.id, r: nodeSize(n.backlinks) / 2 };
      if (p) { sim.x = p.x; sim.y = p.y; }
      return sim;
    });
    var pairs = new Set();
    var links = [];
    s.edges.forEach(function (e) {
      var pair = e.source < e.target ? e.source + '\n' + e.target : e.target + '\n' + e.source;
      if (e.source === e.target || pairs.has(pair) || !s.byId.has(e.source) || !s.byId.has(e.target)) return;
      pairs.add(pair);
      links.push({ source: e.source, target: e.target });
    });
    // a few nodes are drawn large, their labels readable: give them room
    var room = nodes.length < 60 ? 3 : nodes.length < 300 ? 1.8 : 1;
    var sim = d3.forceSimulation(nodes) // eslint-disable-line no-undef
      .force('charge', d3.forceManyBody().strength(function (d) { return (-40 - d.r * 4) * room * room; }).distanceMax(800 * room)) // eslint-disable-line no-undef
      .force('link', d3.forceLink(links).id(function (d) { return d.id; }).distance(function (l) { return (28 + l.source.r + l.target.r) * room; })) // eslint-disable-line no-undef
      .force('x', d3.forceX().strength(0.05)) // eslint-disable-line no-undef
      .force('y', d3.forceY().strength(0.05)) // eslint-disable-line no-undef
      .stop();
    if (previous && previous.size) sim.alpha(0.5);
    if (s.big) sim.alphaDecay(1 - Math.pow(sim.alphaMin(), 1 / BIG_GRAPH_TICKS));
    var seeds = nodes.filter(function (n) { return s.seeds.has(n.id); });
    if (seeds.length === 1 && !(previous && previous.has(seeds[0].id))) { seeds[0].fx = 0; seeds[0].fy = 0; }
    var total = Math.ceil(Math.log(sim.alphaMin()) / Math.log(1 - sim.alphaDecay()));
    var ticks = 0;
    var progress = $('progress');
    function finish() {
      progress.hidden = true;
      seeds.forEach(function (n) { n.fx = null; n.fy = null; });
      var at = new Map();
      nodes.forEach(function (n) { at.set(n.id, { x: n.x, y: n.y }); });
      done(at);
    }
    if (nodes.length <= SYNC_LAYOUT_NODES) {
      sim.tick(total);
      finish();
      return;
    }
    progress.hidden = false;
    (function slice() {
      if (gen !== generation) return; // newer data came
      var end = performance.now() + SLICE_MS;
      while (ticks < total && performance.now() < end) {
        sim.tick();
        ticks++;
      }
      if (ticks < total) {
        progress.textContent = 'Laying out ' + nodes.length + ' nodes… ' + Math.round((100 * ticks) / total) + '%';
        setTimeout(slice, 0);
      } else {
        finish();
      }
    })();
  }

  // ---- drawing ---------------------------------------------------------------------------------

  function draw(data) {
    var started = performance.now();
    generation++;
    var previous = null;
    if (cy) {
      previous = new Map();
      cy.nodes().forEach(function (n) { previous.set(n.id(), n.position()); });
    }
    api.ready = false;
    document.body.dataset.state = 'layout';
    data = expand(data);
    state = analyse(data);
    var notice = (data.graph || {}).notice;
    $('notice').hidden = !notice;
    $('notice').textContent = notice || '';
    $('info').hidden = true;
    $('results').hidden = true;
    hideTip();
    buildLegend(state);
    var s = state;
    layout(s, previous, function (at) {
      var laidOut = performance.now();
      var gen = generation;
      var els = elements(s);
      var nodes = els.filter(function (e) { return e.group === 'nodes'; });
      var edges = els.filter(function (e) { return e.group === 'edges'; });
      nodes.forEach(function (e) { e.position = at.get(e.data.id); });
      if (cy) cy.destroy();
      cy = cytoscape({ // eslint-disable-line no-undef
        container: $('cy'),
        elements: nodes,
        style: stylesheet(s),
        layout: { name: 'preset', fit: false },
        minZoom: 0.02,
        maxZoom: 4,
        boxSelectionEnabled: false,
        selectionType: 'single',
        textureOnViewport: s.big,
        hideEdgesOnViewport: s.big,
        motionBlur: false,
      });
      api.cy = cy;
      cy.on('mouseover', 'node', function (ev) { showTip(ev.target, ev); });
      cy.on('mouseout', 'node', hideTip);
      cy.on('viewport', hideTip);
      cy.on('tap', 'node', function (ev) { hideTip(); focus(ev.target, true); });
      cy.on('tap', function (ev) { if (ev.target === cy) unfocus(); });
      cy.on('dragpan scrollzoom pinchzoom', function () { autoFit = false; });
      autoFit = true;
      fitView();
      // the rest of the edges a chunk at a time: Cytoscape styles and draws what it is given
      // in one go, which for 9,000 edges would hold the page for seconds
      var added = 0;
      (function more() {
        if (gen !== generation) return;
        if (added < edges.length) {
          cy.add(edges.slice(added, added + EDGE_CHUNK));
          added += EDGE_CHUNK;
          $('progress').hidden = false;
          $('progress').textContent = 'Drawing ' + Math.min(added, edges.length) + ' of ' + edges.length + ' edges…';
          setTimeout(more, 0);
          return;
        }
        $('progress').hidden = true;
        applyFilters();
        requestAnimationFrame(function () {
          if (gen !== generation) return;
          api.layoutMs = Math.round(laidOut - started);
          api.drawMs = Math.round(performance.now() - laidOut);
          api.nodes = cy.nodes().length;
          api.edges = cy.edges().length;
          api.focused = null;
          api.ready = true;
          document.body.dataset.state = 'ready';
        });
      })();
    });
  }

  // ---- wiring ------------------------------------------------------------------------------------

  var search_ = $('search');
  search_.addEventListener('input', showResults);
  search_.addEventListener('focus', function () { if (search_.value) showResults(); });
  search_.addEventListener('blur', function () { $('results').hidden = true; });
  search_.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown') { moveActive(1); ev.preventDefault(); }
    else if (ev.key === 'ArrowUp') { moveActive(-1); ev.preventDefault(); }
    else if (ev.key === 'Enter') { if (!$('results').hidden || search_.value) { if ($('results').hidden) showResults(); pick(active); } ev.preventDefault(); }
    else if (ev.key === 'Escape') { $('results').hidden = true; }
  });
  $('fit').addEventListener('click', function () { unfocus(); autoFit = true; if (cy) fitView(); });
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(function () {
      if (!cy) return;
      cy.resize();
      if (autoFit) fitView();
    }).observe($('cy'));
  }
  if (window.innerWidth < 720) document.body.classList.add('no-side'); // (a narrow view: the graph first)
  $('toggle-side').addEventListener('click', function () {
    document.body.classList.toggle('no-side');
    if (cy) cy.resize();
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && document.activeElement !== search_) unfocus();
  });
  if (host) { // VS Code: the extension posts the graph of the note in the active editor
    window.addEventListener('message', function (ev) {
      var msg = ev.data;
      if (msg && msg.type === 'graph' && msg.data) draw(msg.data);
    });
  }
  api.focus = function (id) { var n = cy.getElementById(id); if (n.nonempty()) focus(n, false); };

  draw(JSON.parse($('claim-graph-data').textContent));
  if (host) host.postMessage({ type: 'ready' });
})();
