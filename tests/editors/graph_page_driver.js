#!/usr/bin/env node
// Opens a page of `claim-lsp graph --format html` in Debian's headless Chromium (through
// playwright-core) and uses it as a person would: waits for the drawing, types a search and
// presses Enter, clicks a node, hovers one, unticks an edge kind. Records every request the
// page makes, every console message and page error, and the page's own timings.
// Run by test_graph_page.py as `node graph_page_driver.js` with CLAIM_EDITOR_SPEC=spec.json:
//   { page, artifacts, result, timeout_ms, name,
//     search?: { query }, click?: id, hover?: id, untick_kind?: kind, probe_during_layout?: bool }
// Screenshots go to spec.artifacts; observations (JSON) to spec.result.
'use strict';
const fs = require('fs'), path = require('path'), os = require('os');
const { pathToFileURL } = require('url');

const spec = JSON.parse(fs.readFileSync(process.env.CLAIM_EDITOR_SPEC, 'utf8'));
const HOME = process.env.CLAIM_LSP_EDITORS_HOME || '/opt/claim-lsp-editors';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const { chromium } = require(path.join(HOME, 'tools/node_modules/playwright-core'));
const T = spec.timeout_ms;
const OUT = spec.artifacts;
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const result = { errors: [], requests: [], console: [], page_errors: [], csp_violations: [], screenshots: [] };

async function shot(page, name) {
  const file = path.join(OUT, `${spec.name}-${name}.png`);
  await page.screenshot({ path: file });
  result.screenshots.push(file);
}

// where a node is drawn, in page coordinates; the view is first zoomed in on it, so that
// no neighbour covers it and a click lands on it
async function nodePoint(page, id) {
  return page.evaluate((nodeId) => {
    const cy = window.claimGraph.cy;
    const node = cy.getElementById(nodeId);
    if (node.empty()) return null;
    cy.stop();
    cy.zoom(Math.max(cy.zoom(), 1.6));
    cy.center(node);
    const p = node.renderedPosition();
    const box = cy.container().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, id);
}

(async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-page-'));
  const xdg = { XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_CACHE_HOME: path.join(tmp, 'cache'), HOME: tmp };
  let browser;
  try {
    browser = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM, headless: true, env: { ...process.env, ...xdg }, viewport: { width: 1400, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
        '--disable-features=AutofillServerCommunication,OptimizationHints,Translate,MediaRouter',
        '--disable-domain-reliability', '--no-pings'],
    });
    log('browser up');
    const page = browser.pages()[0] || await browser.newPage();
    // the whole context's network log: every request of every frame and worker
    browser.on('request', (r) => result.requests.push(r.url()));
    page.on('websocket', (ws) => result.requests.push(ws.url()));
    page.on('console', (m) => result.console.push({ type: m.type(), text: m.text() }));
    page.on('pageerror', (e) => result.page_errors.push(String(e)));
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)])))
        .observe({ type: 'longtask', buffered: true });
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const url = pathToFileURL(spec.page).href;
    result.page_url = url;
    const started = Date.now();
    await page.goto(url, { timeout: T });
    if (spec.probe_during_layout) {
      // how long the page takes to answer while it lays out: a timer's delay, sampled
      const delays = [];
      while (!(await page.evaluate(() => window.claimGraph && window.claimGraph.ready)) && Date.now() - started < T) {
        delays.push(await page.evaluate(() => new Promise((r) => {
          const t = performance.now();
          setTimeout(() => r(performance.now() - t), 0);
        })));
      }
      result.layout_probe_delays_ms = delays.map((d) => Math.round(d));
    }
    await page.waitForFunction(() => window.claimGraph && window.claimGraph.ready, null, { timeout: T });
    result.ready_ms = Date.now() - started;
    result.long_tasks_until_ready = await page.evaluate(() => window.__longTasks.slice());
    Object.assign(result, await page.evaluate(() => {
      const g = window.claimGraph;
      const xs = g.cy.nodes().map((n) => n.position());
      return {
        nodes: g.nodes, edges: g.edges, layout_ms: g.layoutMs, draw_ms: g.drawMs,
        library: window.cytoscape.version,
        spread: xs.length ? Math.max(...xs.map((p) => p.x)) - Math.min(...xs.map((p) => p.x)) : 0,
        finite: xs.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y)),
        counts: document.getElementById('counts').textContent,
        notice: document.getElementById('notice').hidden ? null : document.getElementById('notice').textContent,
        title: document.title,
      };
    }));
    // how long one zoom takes to draw, once laid out
    result.zoom_frame_ms = await page.evaluate(() => new Promise((r) => {
      const cy = window.claimGraph.cy;
      const t = performance.now();
      cy.zoom({ level: cy.zoom() * 1.3, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
      requestAnimationFrame(() => requestAnimationFrame(() => r(Math.round(performance.now() - t))));
    }));
    await page.evaluate(() => { window.claimGraph.cy.fit(undefined, 30); }); // (returning cy would copy it all)
    await page.waitForTimeout(200);
    await shot(page, '1-drawn');
    log('drawn:', result.nodes, 'nodes,', result.edges, 'edges; ready in', result.ready_ms, 'ms');

    if (spec.search) {
      await page.click('#search');
      await page.keyboard.type(spec.search.query, { delay: 20 });
      await page.waitForSelector('#results li', { timeout: T });
      result.search_results = await page.$$eval('#results li > div:first-child', (els) => els.map((e) => e.textContent));
      await shot(page, '2-search');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => window.claimGraph.focused, null, { timeout: T });
      result.search_focused = await page.evaluate(() => window.claimGraph.focused);
      result.info_text = await page.$eval('#info', (e) => (e.hidden ? null : e.textContent));
      log('search', JSON.stringify(spec.search.query), '->', result.search_focused);
      await page.keyboard.press('Escape'); // (leaves the search box's list)
      await page.evaluate(() => document.activeElement.blur());
      await page.keyboard.press('Escape'); // (clears the focus)
      result.after_escape_focused = await page.evaluate(() => window.claimGraph.focused);
    }

    if (spec.click) {
      const at = await nodePoint(page, spec.click);
      if (!at) throw new Error(`no node ${spec.click}`);
      await page.waitForTimeout(100);
      await page.mouse.click(at.x, at.y);
      await page.waitForFunction(() => window.claimGraph.focused, null, { timeout: T });
      Object.assign(result, await page.evaluate(() => {
        const cy = window.claimGraph.cy;
        return {
          click_focused: window.claimGraph.focused,
          click_selected: cy.$(':selected').map((n) => n.id()),
          click_neighbourhood: cy.nodes('.focused').map((n) => n.id()).sort(),
          click_faded: cy.nodes('.faded').length,
        };
      }));
      await page.waitForTimeout(400); // (the view's animation to the neighbourhood)
      await shot(page, '3-focus');
      log('click', spec.click, '->', result.click_neighbourhood.length, 'nodes in focus');
    }

    if (spec.hover) {
      await page.keyboard.press('Escape');
      const at = await nodePoint(page, spec.hover);
      await page.mouse.move(at.x - 40, at.y - 40);
      await page.mouse.move(at.x, at.y, { steps: 4 });
      await page.waitForSelector('#tip:not([hidden])', { timeout: T });
      result.tip_text = await page.$eval('#tip', (e) => e.textContent);
      await shot(page, '4-hover');
    }

    if (spec.untick_kind) {
      await page.keyboard.press('Escape');
      result.edges_visible_before = await page.evaluate(() => window.claimGraph.cy.edges().filter(window.claimGraph.shown).length);
      const counts = await page.$eval('#counts', (e) => e.textContent);
      await page.click(`#filter-kind input[data-value="${spec.untick_kind}"]`);
      // (the click's change event may not have run yet when click() returns: wait for its effect)
      await page.waitForFunction((before) => document.getElementById('counts').textContent !== before, counts, { timeout: T });
      result.edges_visible_after = await page.evaluate(() => window.claimGraph.cy.edges().filter(window.claimGraph.shown).length);
      result.counts_after_untick = await page.$eval('#counts', (e) => e.textContent);
      result.edges_of_kind = await page.evaluate((k) => window.claimGraph.cy.edges().filter((e) => e.data('kind') === k).length, spec.untick_kind);
    }
    result.csp_violations = await page.evaluate(() => window.__csp);
    result.long_tasks = await page.evaluate(() => window.__longTasks);
  } catch (err) {
    result.errors.push(String(err && err.stack || err));
  } finally {
    if (browser) await browser.close().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.writeFileSync(spec.result, JSON.stringify(result, null, 1));
  }
  process.exit(result.errors.length ? 1 : 0);
})();
