// "Claim LSP: Show Claim Graph": the claim graph around the note in the active editor, in a
// webview beside it. The data comes from the server (`claim-lsp/graph`, node-link data of the
// note's neighbourhood); the page is the one `claim-lsp graph --format html` writes
// (media/page.html + graph.js, drawn by the bundled Cytoscape.js and d3-force, copied from
// claim_lsp/graphview/ by build.sh). The view follows the active editor, and a click on a node
// opens its note.
//
// Webview rules: scripts only from the extension's media/ folder and only with this page's
// nonce, no other source of anything (default-src 'none'), theme colours from VS Code's CSS
// variables (page.html reads --vscode-*), user text only as JSON data (graph.js shows it with
// textContent).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { LanguageClient, RequestType, State } from 'vscode-languageclient/node';

const VIEW_TYPE = 'claimLsp.graph';
const SCRIPTS = ['cytoscape.min.js', 'd3-force.min.js', 'graph.js'];

interface GraphNode {
  id: string;
  path?: string | null;
  title?: string;
  missing?: boolean;
}
interface GraphData {
  nodes: GraphNode[];
  edges: unknown[];
  graph?: { selected?: string[]; depth?: number; notice?: string; root?: string };
}
interface GraphParams {
  uri: string;
  depth: number;
}
const graphRequest = new RequestType<GraphParams, GraphData | null, void>('claim-lsp/graph');

type PageMessage = { type: 'ready' } | { type: 'open'; path: string };

export class GraphView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: string | undefined; // the URI of the note drawn
  private data: GraphData | undefined; // what the page shows (posted again when it reloads)
  private embedded: GraphData | undefined; // what the page's HTML holds
  private root: vscode.Uri | undefined; // the vault of the note drawn
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: () => LanguageClient | undefined,
    private readonly output: vscode.OutputChannel,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (this.panel && editor && isNote(editor.document)) void this.update(editor.document.uri);
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (this.panel && this.shown === doc.uri.toString()) void this.update(doc.uri, true);
      }),
      vscode.window.onDidChangeActiveColorTheme(() => {
        if (this.panel && this.data) void this.panel.webview.postMessage({ type: 'graph', data: this.data });
      }),
    );
  }

  /** The command: open (or reveal) the view beside the active note. */
  async show(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isNote(editor.document)) {
      void vscode.window.showInformationMessage('Claim LSP: open a note to see its graph.');
      return;
    }
    const c = this.client();
    if (!c || c.state !== State.Running) {
      void vscode.window.showWarningMessage('Claim LSP: the server is not running.');
      return;
    }
    if (this.panel) {
      this.panel.reveal(undefined, true);
    } else {
      const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
      this.panel = vscode.window.createWebviewPanel(
        VIEW_TYPE,
        'Claim Graph',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [media], enableFindWidget: false },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.shown = this.data = this.embedded = undefined;
      });
      this.panel.webview.onDidReceiveMessage((msg: PageMessage) => this.onMessage(msg));
    }
    await this.update(editor.document.uri, true);
  }

  private async update(uri: vscode.Uri, force = false): Promise<void> {
    const c = this.client();
    const panel = this.panel;
    if (!panel || !c || c.state !== State.Running) return;
    if (!force && this.shown === uri.toString()) return;
    const depth = vscode.workspace.getConfiguration('claimLsp').get<number>('graph.depth', 2);
    let data: GraphData | null;
    try {
      data = await c.sendRequest(graphRequest, { uri: uri.toString(), depth });
    } catch (err) {
      this.output.appendLine(`claim-lsp/graph failed: ${String(err)}`);
      return;
    }
    if (panel !== this.panel) return;
    if (!data) return; // (not a note of the vault: keep what is shown)
    this.shown = uri.toString();
    this.data = data;
    this.root = data.graph?.root ? vscode.Uri.parse(data.graph.root) : undefined;
    const selected = data.nodes.find((n) => n.id === data?.graph?.selected?.[0]);
    panel.title = `Claim Graph: ${selected?.title ?? 'note'}`;
    if (!this.embedded) {
      this.embedded = data;
      panel.webview.html = this.page(panel.webview, data);
    } else {
      void panel.webview.postMessage({ type: 'graph', data });
    }
  }

  private async onMessage(msg: PageMessage): Promise<void> {
    if (msg.type === 'ready') {
      // the page drew what its HTML holds: a reload (the view hidden and shown again) shows the
      // first note's graph, so send the current one
      if (this.panel && this.data && this.data !== this.embedded) {
        void this.panel.webview.postMessage({ type: 'graph', data: this.data });
      }
    } else if (msg.type === 'open' && typeof msg.path === 'string' && this.root) {
      const target = vscode.Uri.joinPath(this.root, ...msg.path.split('/'));
      if (!target.path.startsWith(this.root.path)) return; // (a path with .. from the page: refused)
      const column = vscode.window.visibleTextEditors.find((e) => isNote(e.document))?.viewColumn ?? vscode.ViewColumn.One;
      try {
        await vscode.window.showTextDocument(target, { viewColumn: column, preserveFocus: false });
      } catch (err) {
        void vscode.window.showErrorMessage(`Claim LSP: could not open ${msg.path}: ${String(err)}`);
      }
    }
  }

  /** media/page.html with this webview's CSP, nonce, scripts and the first data. */
  private page(webview: vscode.Webview, data: GraphData): string {
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    const template = fs.readFileSync(vscode.Uri.joinPath(media, 'page.html').fsPath, 'utf8');
    const nonce = crypto.randomBytes(18).toString('base64');
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      `img-src ${webview.cspSource} data:`,
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; ');
    const scripts = SCRIPTS.map(
      (name) => `<script nonce="${nonce}" src="${webview.asWebviewUri(vscode.Uri.joinPath(media, name))}"></script>`,
    ).join('\n');
    const values: Record<string, string> = {
      CSP: csp,
      TITLE: 'Claim Graph',
      NONCE_ATTR: ` nonce="${nonce}"`,
      // as graph_html.data_json: every "<" escaped, so no title can end the data element
      DATA: JSON.stringify(data).replace(/</g, '\\u003c'),
      SCRIPTS: scripts,
    };
    // one pass, as graph_html.render: a placeholder written in the data stays text
    return template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => values[name] ?? whole);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function isNote(document: vscode.TextDocument): boolean {
  return document.languageId === 'markdown' && document.uri.scheme === 'file';
}
