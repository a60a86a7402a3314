#!/usr/bin/env node
// Drives VS Code (code-server 4.100.3 in Debian's headless Chromium, through playwright-core)
// with the packaged extension editors/vscode/claim-lsp.vsix and the real claim-lsp.
// Run by test_vscode.py as `node vscode_driver.js` with CLAIM_EDITOR_SPEC=spec.json.
// Everything goes through the UI, as a person would: the Problems panel, the hover shown by
// "Show Hover", the suggest widget opened by typing "[[", F12, and the extension's status bar
// item and "Show Backlinks" command. Screenshots go to spec.artifacts; observations to spec.result.
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs'), path = require('path'), net = require('net'), os = require('os');

const spec = JSON.parse(fs.readFileSync(process.env.CLAIM_EDITOR_SPEC, 'utf8'));
const HOME = process.env.CLAIM_LSP_EDITORS_HOME || '/opt/claim-lsp-editors';
const CS = process.env.CODE_SERVER || path.join(HOME, 'code-server/node_modules/.bin/code-server');
const VSIX = process.env.VSIX || path.join(__dirname, '../../editors/vscode/claim-lsp.vsix');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const { chromium } = require(path.join(HOME, 'tools/node_modules/playwright-core'));
const T = spec.timeout_ms;
const OUT = spec.artifacts;
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const result = { editor: 'code-server', errors: [], screenshots: [] };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}
async function waitHttp(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { const r = await fetch(url); if (r.status < 500) return; } catch {}
    await sleep(200);
  }
  throw new Error('code-server did not come up at ' + url);
}

(async () => {
  for (const f of [CS, VSIX, CHROMIUM]) if (!fs.existsSync(f)) throw new Error(`missing ${f}: run scripts/editors/install.sh`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claim-vscode-'));
  const userData = path.join(tmp, 'user-data'), extDir = path.join(tmp, 'extensions'), chromeProfile = path.join(tmp, 'chrome');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  const baseSettings = {
    'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false,
    'update.mode': 'none', 'workbench.enableExperiments': false, 'workbench.tips.enabled': false,
    'chat.disableAIFeatures': true, 'git.enabled': false, 'workbench.colorTheme': 'Default Light Modern',
    'files.autoSave': 'off', 'editor.hover.delay': 200,
    // the extension's own settings, as a user would write them: no server path, so the extension
    // runs the server it carries with the python3 on PATH (test_vscode.py keeps claim-lsp off PATH)
    'claimLsp.server.args': spec.server_cmd.slice(1), 'claimLsp.options': spec.init_options,
  };
  const writeSettings = (extra) => fs.writeFileSync(path.join(userData, 'User', 'settings.json'),
    JSON.stringify({ ...baseSettings, ...extra }, null, 1));
  writeSettings({});
  fs.mkdirSync(path.join(tmp, 'tmpdir'));
  // code-server's logs (XDG_DATA_HOME) and Chromium's crash dir (XDG_CONFIG_HOME) stay in tmp
  const xdg = { HOME: path.join(tmp, 'home'), TMPDIR: path.join(tmp, 'tmpdir'), XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_CACHE_HOME: path.join(tmp, 'xdg-cache') };
  fs.mkdirSync(xdg.HOME);
  // the extension gallery points at a closed loopback port: nothing is looked up outside
  const env = { ...process.env, ...xdg,
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item' }) };
  fs.writeFileSync(path.join(tmp, 'config.yaml'), 'auth: none\ncert: false\n');
  const common = ['--config', path.join(tmp, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', extDir];
  log('installing', VSIX);
  log(execFileSync(CS, [...common, '--install-extension', VSIX], { env, encoding: 'utf8' }).trim());
  // more extensions to install beside it (test_vscode.py's stand-in for the Python extension)
  for (const extra of (process.env.CLAIM_VSCODE_MORE_VSIX || '').split(path.delimiter).filter(Boolean)) {
    log(execFileSync(CS, [...common, '--install-extension', extra], { env, encoding: 'utf8' }).trim());
  }
  // only these steps, when given (comma-separated names)
  const only = (process.env.CLAIM_VSCODE_STEPS || '').split(',').filter(Boolean);
  const OPT_IN = ['python extension'];   // steps that need CLAIM_VSCODE_MORE_VSIX

  const port = await freePort();
  const cs = spawn(CS, [...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', spec.root],
  { env, detached: true, stdio: ['ignore', fs.openSync(path.join(OUT, 'code-server.log'), 'w'), fs.openSync(path.join(OUT, 'code-server.err'), 'w')] });
  let browser, page;
  const shot = async (name) => {
    const file = path.join(OUT, name);
    await page.screenshot({ path: file });
    result.screenshots.push(file);
  };
  const step = async (name, fn) => {
    if (only.length > 0 ? !only.includes(name) : OPT_IN.includes(name)) return;
    const s = Date.now();
    try { await fn(); log(name, 'ok', `${((Date.now() - s) / 1000).toFixed(1)}s`); } catch (e) {
      log(name, 'ERROR', e.message);
      result.errors.push(`${name}: ${e.message.split('\n')[0]}`);
      try { await shot(`failure-${name}.png`); } catch {}
      try { await page.keyboard.press('Escape'); } catch {}
    }
  };
  // the extension's output channel as VS Code logs it (logs/<session>/.../N-Claim LSP.log)
  const channel = () => {
    let text = '';
    try {
      for (const f of fs.readdirSync(path.join(userData, 'logs'), { recursive: true })) {
        if (/Claim LSP\.log$/.test(f)) text += fs.readFileSync(path.join(userData, 'logs', f), 'utf8');
      }
    } catch {}
    return text;
  };
  const waitChannel = async (re, since) => {
    const end = Date.now() + T;
    while (Date.now() < end) {
      const m = re.exec(channel().slice(since));
      if (m) return m[0];
      await sleep(200);
    }
    throw new Error(`the output channel never said ${re}`);
  };
  const statusNotes = async () => {
    const item = page.locator('.statusbar-item', { hasText: /Claim LSP: \d+ notes?/ }).first();
    await item.waitFor({ timeout: T });
    return (await item.innerText()).trim();
  };
  // the extension's settings are machine-overridable: in code-server (a remote window) VS Code
  // takes them from the remote machine's settings (user-data/Machine/settings.json, "Preferences:
  // Open Remote Settings"), not from the browser's user settings; a change there is noticed live
  const machineSettings = (values) => {
    fs.mkdirSync(path.join(userData, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'Machine', 'settings.json'), JSON.stringify(values, null, 1));
  };
  const editor = () => page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  const gotoLine = async (line, character) => {   // 0-based LSP position, through "Go to Line/Column"
    await editor().click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ timeout: T });
    await page.keyboard.type(`${line + 1}:${character + 1}`);
    await page.keyboard.press('Enter');
    await sleep(150);
  };
  try {
    await waitHttp(`http://127.0.0.1:${port}/healthz`, 30000);
    log('code-server up on port', port);
    browser = await chromium.launchPersistentContext(chromeProfile, {
      executablePath: CHROMIUM, headless: true, env: { ...process.env, ...xdg }, viewport: { width: 1400, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // with the flags above Chromium still resolves Google hosts; this fails every name but loopback locally
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
        '--disable-features=AutofillServerCommunication,OptimizationHints,Translate,MediaRouter',
        '--disable-domain-reliability', '--no-pings'],
    });
    page = browser.pages()[0] || await browser.newPage();
    page.on('pageerror', (e) => fs.appendFileSync(path.join(OUT, 'page-errors.log'), String(e) + '\n'));
    result.webview_console_errors = [];
    page.on('console', (m) => {   // what the graph webview reports (a CSP violation, a script error)
      const where = (m.location() || {}).url || '';
      if (m.type() === 'error' && (/webview|vscode-resource|vscode-cdn/.test(where) || /Content Security Policy/.test(m.text()))) {
        result.webview_console_errors.push(`${m.text()} (${where})`);
      }
    });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(spec.root)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: T });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: T });
    log('workbench loaded');
    const fileName = path.basename(spec.file);
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first().click();
    await editor().waitFor({ timeout: T });
    log('editor open:', fileName);

    await step('status', async () => {
      const item = page.locator('.statusbar-item', { hasText: /Claim LSP: \d+ notes?/ }).first();
      await item.waitFor({ timeout: T });
      result.status_bar = (await item.innerText()).trim();
      log('status bar:', result.status_bar);
      // its tooltip says what runs: the bundled server and the Python it runs with
      await item.hover();
      const tip = page.locator('.workbench-hover, .monaco-hover', { hasText: 'Server:' }).first();
      await tip.waitFor({ timeout: T });
      result.status_tooltip = (await tip.innerText()).replace(/\s+/g, ' ').trim();
      log('status tooltip:', result.status_tooltip);
      await page.mouse.move(700, 300);
    });

    await step('diagnostics', async () => {
      await editor().click();
      await page.keyboard.press('Control+Shift+M');
      const rows = page.locator('.markers-panel .monaco-list-row', { hasText: spec.broken_title });
      await rows.first().waitFor({ timeout: T });
      await sleep(300);
      await shot('1-problems.png');
      const texts = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
      result.problems_panel = texts.map((s) => s.replace(/\s+/g, ' ').trim());
      result.diagnostics = [];
      const n = await page.locator('.markers-panel .monaco-list-row').count();
      for (let i = 0; i < n; i++) {
        const row = page.locator('.markers-panel .monaco-list-row').nth(i);
        const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
        const m = /\[Ln (\d+), Col (\d+)\]/.exec(text);
        if (!m) continue;   // the file's own row
        const code = /\(([a-z-]+)\)/.exec(text);
        const isError = (await row.locator('.codicon-error').count()) > 0;
        result.diagnostics.push({ line: Number(m[1]) - 1, character: Number(m[2]) - 1, message: text,
          code: code ? code[1] : null, severity: isError ? 'error' : 'other' });
      }
      log('problems:', JSON.stringify(result.problems_panel));
      await page.keyboard.press('Control+Shift+M');   // back to the editor
    });

    await step('hover', async () => {
      await gotoLine(spec.hover_line, spec.hover_character);
      // "Show or Focus Hover" (Ctrl+K Ctrl+I): the same widget as resting the mouse on the link
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const hover = page.locator('.monaco-hover', { hasText: spec.hover_description.slice(0, 30) }).first();
      await hover.waitFor({ timeout: T });
      result.hover = (await hover.innerText()).replace(/[ \t]+/g, ' ');
      await shot('2-hover.png');
      log('hover:', JSON.stringify(result.hover));
      await page.keyboard.press('Escape');
    });

    await step('completion', async () => {
      await gotoLine(spec.completion_line, 0);
      await page.keyboard.press('End');
      // typing "[" is a trigger character: the suggest widget opens by itself, then refilters
      await page.keyboard.type(' [[', { delay: 60 });
      await page.keyboard.type(spec.completion_prefix, { delay: 120 });
      const widget = page.locator('.suggest-widget.visible');
      await widget.locator('.monaco-list-row', { hasText: spec.completion_expected }).first().waitFor({ timeout: T });
      await sleep(400);   // let the last refilter settle
      const rows = await widget.locator('.monaco-list-row').evaluateAll((els) =>
        els.map((e) => ({ i: Number(e.getAttribute('data-index')), label: (e.querySelector('.label-name') || e).textContent.trim() })));
      rows.sort((a, b) => a.i - b.i);
      result.completion = rows.map((r) => r.label);
      await shot('3-completion.png');
      log('suggest widget:', JSON.stringify(result.completion));
      await page.keyboard.press('Enter');   // accept the first (focused) item
      await sleep(300);
      await page.keyboard.press('Control+S');
      const end = Date.now() + T;
      let line = '';
      while (Date.now() < end) {
        line = fs.readFileSync(spec.file, 'utf8').split('\n')[spec.completion_line];
        if (line.includes('[[') && !line.endsWith(`[[${spec.completion_prefix}`)) break;
        await sleep(100);
      }
      result.completion_line = line;
      log('line after accepting:', JSON.stringify(line));
    });

    await step('definition', async () => {
      await gotoLine(spec.hover_line, spec.hover_character);
      await page.keyboard.press('F12');
      const want = path.basename(spec.definition_file);
      const tab = page.locator('.tabs-container .tab.active', { hasText: want.replace(/\.md$/, '') });
      await tab.waitFor({ timeout: T });
      await sleep(300);
      await shot('4-definition.png');
      const label = (await tab.innerText()).trim();
      result.definition_tab = label;
      result.definition_file = path.join(spec.root, label.endsWith('.md') ? label : `${label}.md`);
      log('definition tab:', label);
    });

    await step('backlinks', async () => {
      // in the note just opened by F12: "Claim LSP: Show Backlinks" peeks the notes linking to it
      await editor().click();
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor({ timeout: T });
      await page.keyboard.type('Claim LSP: Show Backlinks');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Backlinks' }).first().waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      const peek = page.locator('.peekview-widget', { hasText: path.basename(spec.file, '.md') }).first();
      await peek.waitFor({ timeout: T });
      await sleep(300);
      result.backlinks_title = (await peek.locator('.peekview-title').innerText()).replace(/\s+/g, ' ').trim();
      result.backlinks = (await peek.locator('.ref-tree .monaco-list-row').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
      await shot('5-backlinks.png');
      log('backlinks peek:', JSON.stringify(result.backlinks));
      await page.keyboard.press('Escape');
    });

    await step('restart', async () => {
      // "Claim LSP: Restart Server": the status bar goes through "starting" back to the index size
      await editor().click();
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor({ timeout: T });
      await page.keyboard.type('Claim LSP: Restart Server');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Restart Server' }).first().waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      await sleep(500);
      const item = page.locator('.statusbar-item', { hasText: /Claim LSP: \d+ notes?/ }).first();
      await item.waitFor({ timeout: T });
      result.status_after_restart = (await item.innerText()).trim();
      log('status after restart:', result.status_after_restart);
    });

    await step('graph', async () => {
      // "Claim LSP: Show Claim Graph" in the note F12 opened: a webview beside it, drawn by the
      // page of claim_lsp/graphview; a click on a neighbour opens that note, and the view follows
      await editor().click();
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor({ timeout: T });
      await page.keyboard.type('Claim LSP: Show Claim Graph');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Claim Graph' }).first().waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      const seeds = (f) => f.evaluate(() => (window.claimGraph && window.claimGraph.ready
        ? window.claimGraph.cy.nodes('.seed').map((n) => n.id()) : null));
      let frame = null;
      const end = Date.now() + T;
      while (!frame && Date.now() < end) {   // the webview's inner frame: the one that draws
        for (const f of page.frames()) {
          if (await seeds(f).catch(() => null)) { frame = f; break; }
        }
        if (!frame) await sleep(200);
      }
      if (!frame) throw new Error('no webview drew the graph');
      result.graph_seeds = await seeds(frame);
      result.graph_nodes = await frame.evaluate(() => window.claimGraph.cy.nodes().map((n) => n.id()).sort());
      result.graph_tab = (await page.locator('.tabs-container .tab', { hasText: 'Claim Graph' }).first().innerText()).trim();
      result.graph_theme_fg = await frame.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-editor-foreground').trim());
      await sleep(300);
      await shot('6-graph.png');
      log('graph of', JSON.stringify(result.graph_seeds), 'with', result.graph_nodes.length, 'nodes');
      // a click on a neighbour, through the webview's canvas
      const target = spec.graph_click;
      const at = await frame.evaluate((id) => {
        const cy = window.claimGraph.cy;
        const node = cy.getElementById(id);
        cy.stop();
        cy.center(node);
        return node.renderedPosition();
      }, target);
      await sleep(200);
      await frame.locator('#cy').click({ position: { x: at.x, y: at.y } });
      const want = target.replace(/\.md$/, '');
      await page.locator('.tabs-container .tab.active', { hasText: want }).first().waitFor({ timeout: T });
      result.graph_opened_tab = (await page.locator('.tabs-container .tab.active', { hasText: want }).first().innerText()).trim();
      const followed = Date.now() + T;
      while (Date.now() < followed) {
        result.graph_seeds_after = await seeds(frame).catch(() => null);
        if (result.graph_seeds_after && result.graph_seeds_after[0] === target) break;
        await sleep(200);
      }
      await sleep(300);
      await shot('7-graph-followed.png');
      log('clicked', target, '-> tab', result.graph_opened_tab, '; graph of', JSON.stringify(result.graph_seeds_after));
    });

    await step('server path wins', async () => {
      // a claim-lsp of the user's own (the test's venv): claimLsp.server.path is run instead
      const since = channel().length;
      machineSettings({ 'claimLsp.server.path': spec.server_cmd[0] });
      result.server_path_start = await waitChannel(/Starting claimLsp\.server\.path: .*/, since);
      await sleep(500);
      result.status_server_path = await statusNotes();
      log(result.server_path_start, '->', result.status_server_path);
    });

    await step('no usable python', async () => {
      // an interpreter that is not there: one error, with the two ways out; "Select Interpreter"
      // (no Python extension here) asks for a file, and the Python chosen there runs the server
      const since = channel().length;
      machineSettings({ 'claimLsp.interpreter': ['/nonexistent/bin/python3'] });
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Claim LSP' }).first();
      await toast.waitFor({ timeout: T });
      await sleep(2000);   // a second notification, if any, would be up by now
      result.no_python_toasts = (await page.locator('.notifications-toasts .notification-toast').allInnerTexts())
        .map((s) => s.replace(/\s+/g, ' ').trim());
      result.no_python_buttons = (await toast.locator('.monaco-button').allInnerTexts()).map((s) => s.trim());
      result.no_python_channel = channel().slice(since);
      await shot('8-no-python.png');
      log('toasts:', JSON.stringify(result.no_python_toasts), 'buttons:', JSON.stringify(result.no_python_buttons));
      await toast.locator('.monaco-button', { hasText: 'Select Interpreter' }).click();
      const input = page.locator('.quick-input-widget input').first();
      await input.waitFor({ timeout: T });
      const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
      await input.fill(python);
      await sleep(500);
      await page.keyboard.press('Enter');
      result.selected_start = await waitChannel(/Starting the bundled server, with claimLsp\.interpreter: .*/, since);
      result.selected_python = python;
      await sleep(500);
      result.status_after_select = await statusNotes();
      log(result.selected_start, '->', result.status_after_select);
    });

    await step('python extension', async () => {
      // with the Python extension installed its interpreter runs the server; picking another
      // one there ("Python: Select Interpreter") restarts the server with it
      const first = /Starting the bundled server, with the Python extension's interpreter: (\S+)/;
      result.python_extension_start = await waitChannel(first, 0);
      const since = channel().length;
      await editor().click();
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor({ timeout: T });
      await page.keyboard.type('Python: Select Interpreter');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Select Interpreter' }).first().waitFor({ timeout: T });
      await page.keyboard.press('Enter');
      result.python_extension_restart = await waitChannel(first, since);
      await sleep(500);
      result.status_python_extension = await statusNotes();
      log(result.python_extension_start, '->', result.python_extension_restart, result.status_python_extension);
    });
  } catch (e) {
    log('ERROR', e.stack || e.message);
    result.errors.push(String(e.message));
    try { if (page) await page.screenshot({ path: path.join(OUT, 'failure.png') }); } catch {}
  } finally {
    fs.writeFileSync(spec.result, JSON.stringify(result, null, 1));
    if (browser) await browser.close().catch(() => {});
    try { process.kill(-cs.pid, 'SIGTERM'); } catch {}   // code-server, its extension host and claim-lsp
    await sleep(500);
    try { process.kill(-cs.pid, 'SIGKILL'); } catch {}
    // keep the extension's output channel and the extension host log as artifacts
    try {
      for (const f of fs.readdirSync(path.join(userData, 'logs'), { recursive: true })) {
        if (/Claim LSP\.log$|exthost\.log$|remoteagent\.log$/.test(f)) fs.copyFileSync(path.join(userData, 'logs', f), path.join(OUT, path.basename(f)));
      }
    } catch (e) { log('no logs:', e.message); }
    if (!process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(result.errors.length ? 'FAIL' : 'PASS');
  process.exit(result.errors.length ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
