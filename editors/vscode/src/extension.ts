// VS Code client for claim-lsp: starts the server over stdio for Markdown files in a claim
// vault, shows its state and index size in the status bar, and adds "Restart Server", "Show
// Backlinks" and "Show Claim Graph" (graph.ts). Everything language-related (completion, hover, definition, references,
// diagnostics) comes from the server through vscode-languageclient.
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  RequestType,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { GraphView } from './graph';
import { findServer, NoServer, PYTHON_EXTENSION, pythonApi } from './server';

const CLIENT_ID = 'claimLsp'; // the languageclient reads `claimLsp.trace.server` from this id
const CLIENT_NAME = 'Claim LSP';
const VAULT_MARKER = '.claim-lsp.toml';
const SHOW_REFERENCES = 'claim-lsp.showReferences'; // the command of the backlinks code lens
const NOTES_TO_SAMPLE = 40; // Markdown files read when looking for claim frontmatter

interface VaultStatus {
  root: string;
  notes: number;
}
interface ServerStatus {
  vaults?: VaultStatus[];
  notes?: number;
  indexing?: boolean;
  version?: string;
}
// Sent with an empty params object rather than none: pygls 2.1 servers fail to decode a
// request whose "params" member is absent (it is optional in JSON-RPC).
const statusRequest = new RequestType<Record<string, never>, ServerStatus, void>('claim-lsp/status');

let client: LanguageClient | undefined;
let extensionContext: vscode.ExtensionContext;
let starting = false; // findServer probes interpreters: a second start must not race the first
let usingPythonExtension = false; // the server runs with the Python extension's interpreter
let noServer = false; // the last start found no server to run (reportNoServer said why)
let runBy = ''; // where the running server came from, for the status bar's tooltip
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
let statusTimer: NodeJS.Timeout | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  statusItem = vscode.window.createStatusBarItem('claimLsp.status', vscode.StatusBarAlignment.Left, 10);
  statusItem.name = CLIENT_NAME;
  statusItem.command = 'claimLsp.showOutput';
  const graph = new GraphView(context, () => client, output);
  context.subscriptions.push(
    graph,
    vscode.commands.registerCommand('claimLsp.showGraph', () => graph.show()),
    output,
    statusItem,
    vscode.commands.registerCommand('claimLsp.restartServer', restartServer),
    vscode.commands.registerCommand('claimLsp.showBacklinks', showBacklinks),
    vscode.commands.registerCommand('claimLsp.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (
        e.affectsConfiguration('claimLsp.server') ||
        e.affectsConfiguration('claimLsp.interpreter') ||
        e.affectsConfiguration('claimLsp.options')
      ) {
        output.appendLine('Settings changed: restarting the server.');
        await restartServer();
      } else if (e.affectsConfiguration('claimLsp.activateAlways') && !client) {
        await startIfVault();
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => (client ? undefined : startIfVault())),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc.languageId === 'markdown') void refreshStatus();
    }),
    { dispose: () => stopStatusTimer() },
  );
  await followPythonExtension(context);
  await startIfVault();
}

/** Restart when the user picks another interpreter in the Python extension, if the server runs
 * with the one it had picked (or could not start for want of one). */
async function followPythonExtension(context: vscode.ExtensionContext): Promise<void> {
  const api = await pythonApi();
  const changed = api?.environments?.onDidChangeActiveEnvironmentPath;
  if (!changed) return;
  context.subscriptions.push(
    changed(async () => {
      if (usingPythonExtension || noServer) {
        output.appendLine("The Python extension's interpreter changed: restarting the server.");
        await restartServer();
      }
    }),
  );
}

export async function deactivate(): Promise<void> {
  stopStatusTimer();
  if (client) {
    const c = client;
    client = undefined;
    await c.stop();
  }
}

async function startIfVault(): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    output.appendLine('No workspace folder open: claim-lsp needs the vault folder as workspace.');
    return;
  }
  const always = vscode.workspace.getConfiguration('claimLsp').get<boolean>('activateAlways', false);
  const reason = always ? 'claimLsp.activateAlways is set' : await vaultReason();
  if (!reason) {
    output.appendLine(
      `Not a claim vault (no ${VAULT_MARKER}, no notes with a "type:" frontmatter field): not starting. ` +
        'Set "claimLsp.activateAlways" or run "Claim LSP: Restart Server" to start anyway.',
    );
    return;
  }
  output.appendLine(`Claim vault detected (${reason}).`);
  await startServer();
}

/** Why this workspace is a claim vault, or undefined when it does not look like one. */
async function vaultReason(): Promise<string | undefined> {
  const markers = await vscode.workspace.findFiles(`**/${VAULT_MARKER}`, '**/node_modules/**', 1);
  if (markers.length > 0) return vscode.workspace.asRelativePath(markers[0]);
  const notes = await vscode.workspace.findFiles('**/*.md', '{**/node_modules/**,**/.git/**}', NOTES_TO_SAMPLE);
  for (const uri of notes) {
    if (await hasClaimFrontmatter(uri)) return `${vscode.workspace.asRelativePath(uri)} has a "type:" field`;
  }
  return undefined;
}

async function hasClaimFrontmatter(uri: vscode.Uri): Promise<boolean> {
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    const head = Buffer.from(bytes.subarray(0, 4096)).toString('utf8').replace(/^\uFEFF/, '');
    const m = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\s*(?:\r?\n|$)/.exec(head);
    return m !== null && /^type\s*:/m.test(m[1]);
  } catch {
    return false;
  }
}

async function startServer(): Promise<void> {
  if (client || starting) return;
  starting = true;
  try {
    await launch();
  } finally {
    starting = false;
  }
}

async function launch(): Promise<void> {
  const config = vscode.workspace.getConfiguration('claimLsp');
  const folder = vscode.workspace.workspaceFolders?.[0];
  showState('starting');
  const found = await findServer(extensionContext, folder, (line) => output.appendLine(line));
  if (!('command' in found)) {
    showState('failed');
    noServer = true;
    // not awaited: the choice may restart the server, which must not wait on this start
    void reportNoServer(found);
    return;
  }
  noServer = false;
  usingPythonExtension = found.fromPythonExtension;
  runBy = found.describe;
  const { command, args } = found;
  const options = config.get<Record<string, unknown>>('options', {});
  // No `transport`: with TransportKind.stdio the client appends "--stdio" to the arguments,
  // which claim-lsp (stdio by default) does not need.
  const serverOptions: ServerOptions = {
    command,
    args,
    options: folder ? { cwd: folder.uri.fsPath } : undefined,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'markdown' },
      { scheme: 'untitled', language: 'markdown' },
    ],
    initializationOptions: Object.keys(options).length > 0 ? options : undefined,
    outputChannel: output,
    synchronize: {
      // the server keeps its index in step with notes changed outside the editor
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.md,.claim-lsp.toml}'),
    },
    middleware: {
      // The "N backlinks" code lens runs claim-lsp.showReferences [uri, position, locations]:
      // show them in VS Code's references peek instead of sending the command to the server.
      executeCommand: async (name, args, next) => {
        if (name === SHOW_REFERENCES && client && args.length >= 3) {
          const conv = client.protocol2CodeConverter;
          const locations = await Promise.all((args[2] as unknown[]).map((loc) => conv.asLocation(loc as never)));
          return vscode.commands.executeCommand(
            'editor.action.showReferences',
            conv.asUri(args[0] as string),
            conv.asPosition(args[1] as never),
            locations,
          );
        }
        return next(name, args);
      },
    },
  };
  output.appendLine(`Starting ${found.via}: ${command} ${args.join(' ')}`.trimEnd());
  const c = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = c;
  c.onDidChangeState((e) => {
    void vscode.commands.executeCommand('setContext', 'claimLsp.running', e.newState === State.Running);
    showState(e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped');
    if (e.newState === State.Running) void refreshStatus();
  });
  showState('starting');
  try {
    await c.start();
  } catch (err) {
    // vscode-languageclient has shown its own notification and logged the details: one is enough
    showState('failed');
    output.appendLine(`Could not start ${command}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The one error shown when there is no server to start, with what would fix it. */
async function reportNoServer(problem: NoServer): Promise<void> {
  output.appendLine(`Claim LSP: ${problem.message}`);
  for (const line of problem.tried) output.appendLine(`  tried ${line}`);
  const tried = problem.tried.length > 0 ? ` Tried: ${problem.tried.join('; ')}.` : '';
  const actions = problem.interpreterProblem ? ['Select Interpreter', 'Open Settings'] : ['Open Settings', 'Show Output'];
  const choice = await vscode.window.showErrorMessage(`Claim LSP: ${problem.message}${tried}`, ...actions);
  if (choice === 'Select Interpreter') await selectInterpreter();
  else if (choice === 'Open Settings') {
    const key = problem.interpreterProblem ? 'claimLsp.interpreter' : 'claimLsp.server';
    void vscode.commands.executeCommand('workbench.action.openSettings', key);
  } else if (choice === 'Show Output') output.show(true);
}

/** The Python extension's interpreter picker when it is installed, else a file dialog whose
 * choice becomes `claimLsp.interpreter`; either change restarts the server. */
async function selectInterpreter(): Promise<void> {
  if (vscode.extensions.getExtension(PYTHON_EXTENSION)) {
    await vscode.commands.executeCommand('python.setInterpreter');
    return;
  }
  const picked = await vscode.window.showOpenDialog({
    title: 'Claim LSP: choose a Python 3.11 or newer to run the server',
    openLabel: 'Use this Python',
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
  });
  if (!picked || picked.length === 0) return;
  await vscode.workspace
    .getConfiguration('claimLsp')
    .update('interpreter', [picked[0].fsPath], vscode.ConfigurationTarget.Global);
}

async function restartServer(): Promise<void> {
  stopStatusTimer();
  if (client) {
    const c = client;
    client = undefined;
    try {
      await c.stop();
    } catch (err) {
      output.appendLine(`Stopping the server failed: ${String(err)}`);
    }
  }
  await startServer();
}

/** Backlinks = references of the link or H1 under the cursor, shown in the peek view. */
async function showBacklinks(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown') {
    void vscode.window.showInformationMessage('Claim LSP: open a note to see its backlinks.');
    return;
  }
  const { document } = editor;
  let position = editor.selection.active;
  // Anywhere outside a [[link]] means "this note": ask for the references of its H1.
  let h1: vscode.Position | undefined;
  if (!insideWikiLink(document.lineAt(position.line).text, position.character)) {
    h1 = findH1(document);
    if (h1) position = h1;
  }
  const found =
    (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', document.uri, position)) ?? [];
  // the reference provider includes the declaration (the H1 itself); backlinks are the others
  const locations = found.filter(
    (loc) => !(h1 && loc.uri.toString() === document.uri.toString() && loc.range.start.line === h1.line),
  );
  if (locations.length === 0) {
    void vscode.window.showInformationMessage('Claim LSP: no backlinks.');
    return;
  }
  await vscode.commands.executeCommand('editor.action.showReferences', document.uri, position, locations);
}

function insideWikiLink(line: string, character: number): boolean {
  const open = line.lastIndexOf('[[', character);
  if (open < 0) return false;
  const close = line.indexOf(']]', open);
  return close < 0 || character <= close + 2;
}

function findH1(document: vscode.TextDocument): vscode.Position | undefined {
  let inFrontmatter = document.lineCount > 0 && document.lineAt(0).text.trim() === '---';
  for (let i = inFrontmatter ? 1 : 0; i < document.lineCount; i++) {
    const text = document.lineAt(i).text;
    if (inFrontmatter) {
      if (text.trim() === '---' || text.trim() === '...') inFrontmatter = false;
      continue;
    }
    const m = /^#\s+\S/.exec(text);
    if (m) return new vscode.Position(i, m[0].length - 1);
  }
  return undefined;
}

type DisplayState = 'starting' | 'running' | 'stopped' | 'failed';

function showState(state: DisplayState): void {
  stopStatusTimer();
  const icon = { starting: '$(sync~spin)', running: '$(check)', stopped: '$(circle-slash)', failed: '$(error)' }[state];
  statusItem.text = `${icon} Claim LSP`;
  statusItem.tooltip = `Claim LSP: ${state}. Click for the output.`;
  statusItem.show();
}

/** Ask the server for its index size (`claim-lsp/status`) and show it in the status bar. */
async function refreshStatus(): Promise<void> {
  const c = client;
  if (!c || c.state !== State.Running) return;
  let status: ServerStatus;
  const timeout = new vscode.CancellationTokenSource();
  const timer = setTimeout(() => timeout.cancel(), 5000);
  try {
    status = await c.sendRequest(statusRequest, {}, timeout.token);
  } catch (err) {
    if (c !== client) return;
    statusItem.text = '$(check) Claim LSP';
    statusItem.tooltip = `Claim LSP: running (no status: ${String(err)})`;
    statusItem.show();
    stopStatusTimer();
    statusTimer = setTimeout(() => void refreshStatus(), 15000);
    return;
  } finally {
    clearTimeout(timer);
    timeout.dispose();
  }
  if (c !== client) return;
  const notes = status.notes ?? (status.vaults ?? []).reduce((n, v) => n + v.notes, 0);
  const count = `${notes} ${notes === 1 ? 'note' : 'notes'}`;
  statusItem.text = status.indexing
    ? `$(sync~spin) Claim LSP: indexing${notes > 0 ? ` (${count})` : ''}…`
    : `$(check) Claim LSP: ${count}`;
  const tip = new vscode.MarkdownString(`**Claim LSP** ${status.version ?? ''} — ${status.indexing ? 'indexing' : 'running'}\n\n`);
  for (const v of status.vaults ?? []) tip.appendMarkdown(`- \`${v.root}\`: ${v.notes} notes\n`);
  if (runBy) tip.appendMarkdown(`\nServer: ${runBy}\n`);
  tip.appendMarkdown('\nClick for the output.');
  statusItem.tooltip = tip;
  statusItem.show();
  stopStatusTimer();
  // poll quickly while the server is still indexing, slowly afterwards (notes change outside too)
  statusTimer = setTimeout(() => void refreshStatus(), status.indexing ? 1000 : 15000);
}

function stopStatusTimer(): void {
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = undefined;
}
