// How to run the claim-lsp server: `claimLsp.server.path` when the user set one, else the server
// this package carries (bundled/libs, built by build.sh) run by a Python 3.11+ found in this
// order: `claimLsp.interpreter`, the Python extension's interpreter for the folder, `python3`
// on PATH (`py -3`, `python` on Windows). Each interpreter is asked first (`--probe`) whether it
// can load what the package carries; the first that can is used, and when none can the caller
// gets every reason, for one error message.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';

export const LAUNCHER = path.join('bundled', 'tool', 'claim_lsp_server.py');
const PROBE_TIMEOUT_MS = 20000;
const MINIMUM = '3.11';

export interface Launch {
  command: string;
  args: string[];
  /** for the output channel: where the command came from */
  via: string;
  /** for the status bar's tooltip: what runs, in a phrase */
  describe: string;
  /** the interpreter came from the Python extension: restart when its selection changes */
  fromPythonExtension: boolean;
}

export interface NoServer {
  /** one sentence for the error message */
  message: string;
  /** each interpreter tried and why it was not used, for the output channel */
  tried: string[];
  /** whether choosing another interpreter would help (not when server.path is wrong) */
  interpreterProblem: boolean;
}

interface Candidate {
  argv: string[];
  from: string;
  fromPythonExtension?: boolean;
}

/** The Python extension's exports, as much of them as this uses (its `environments` API). */
interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

export const PYTHON_EXTENSION = 'ms-python.python';

export async function pythonApi(): Promise<PythonApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION);
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    return api?.environments ? api : undefined;
  } catch {
    return undefined;
  }
}

export async function findServer(
  context: vscode.ExtensionContext,
  folder: vscode.WorkspaceFolder | undefined,
  log: (line: string) => void,
): Promise<Launch | NoServer> {
  const config = vscode.workspace.getConfiguration('claimLsp', folder?.uri);
  const root = folder?.uri.fsPath ?? '';
  const args = config.get<string[]>('server.args', []);
  const serverPath = (config.get<string>('server.path', '') ?? '').trim();
  if (serverPath) {
    const command = expand(serverPath, root);
    const found = findExecutable(command, root);
    if (!found) {
      const where = path.isAbsolute(command) || command.includes('/') ? 'does not exist or is not executable' : 'is not on PATH';
      return {
        message: `claimLsp.server.path is "${serverPath}", which ${where}. Clear the setting to use the server this extension carries.`,
        tried: [],
        interpreterProblem: false,
      };
    }
    return { command: found, args, via: 'claimLsp.server.path', describe: `\`${found}\` (claimLsp.server.path)`, fromPythonExtension: false };
  }
  const launcher = context.asAbsolutePath(LAUNCHER);
  if (!fs.existsSync(launcher) || !fs.existsSync(path.join(path.dirname(launcher), '..', 'libs'))) {
    return {
      message: 'this Claim LSP package carries no server (it was built without bundled/libs). Set claimLsp.server.path to a claim-lsp executable.',
      tried: [],
      interpreterProblem: false,
    };
  }
  const tried: string[] = [];
  for (const candidate of await candidates(config, folder, root)) {
    const verdict = await probe(candidate.argv, launcher);
    if (verdict.ok) {
      log(`Python ${verdict.python} (${verdict.executable}, from ${candidate.from}) runs the bundled claim-lsp ${verdict.version}.`);
      return {
        command: candidate.argv[0],
        // -I: no user site-packages, no PYTHONPATH: only what the package carries is imported
        args: [...candidate.argv.slice(1), '-I', launcher, ...args],
        via: `the bundled server, with ${candidate.from}`,
        describe: `bundled claim-lsp ${verdict.version}, Python ${verdict.python} (\`${verdict.executable}\`, ${candidate.from})`,
        fromPythonExtension: candidate.fromPythonExtension === true,
      };
    }
    tried.push(`${candidate.from} (${candidate.argv.join(' ')}): ${verdict.problem}`);
  }
  return {
    message: `no Python ${MINIMUM} or newer found to run the claim-lsp server this extension carries.`,
    tried,
    interpreterProblem: true,
  };
}

async function candidates(
  config: vscode.WorkspaceConfiguration,
  folder: vscode.WorkspaceFolder | undefined,
  root: string,
): Promise<Candidate[]> {
  const configured = config.get<string[]>('interpreter', []).filter((s) => s.trim() !== '');
  // a chosen interpreter is the only one tried: falling back from it would hide the mistake
  if (configured.length > 0) return [{ argv: configured.map((s) => expand(s, root)), from: 'claimLsp.interpreter' }];
  const found: Candidate[] = [];
  const api = await pythonApi();
  if (api?.environments) {
    try {
      const active = api.environments.getActiveEnvironmentPath(folder?.uri);
      if (active) {
        const resolved = await api.environments.resolveEnvironment(active);
        const executable = resolved?.executable?.uri?.fsPath ?? active.path;
        if (executable) found.push({ argv: [executable], from: "the Python extension's interpreter", fromPythonExtension: true });
      }
    } catch (err) {
      found.push({ argv: ['<unknown>'], from: `the Python extension (its interpreter could not be read: ${String(err)})` });
    }
  }
  if (process.platform === 'win32') {
    found.push({ argv: ['py', '-3'], from: 'the py launcher' }, { argv: ['python'], from: 'python on PATH' });
  } else {
    found.push({ argv: ['python3'], from: 'python3 on PATH' });
  }
  return found;
}

type Verdict = { ok: true; python: string; executable: string; version: string } | { ok: false; problem: string };

/** Ask an interpreter whether it can run the bundled server (the launcher's --probe). */
function probe(argv: string[], launcher: string): Promise<Verdict> {
  if (argv[0] === '<unknown>') return Promise.resolve({ ok: false, problem: 'no interpreter' });
  return new Promise((resolve) => {
    execFile(
      argv[0],
      [...argv.slice(1), '-I', launcher, '--probe'],
      { timeout: PROBE_TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          const answer = JSON.parse(line);
          if (answer.ok) return resolve({ ok: true, python: answer.python, executable: answer.executable, version: answer.claim_lsp });
          return resolve({ ok: false, problem: String(answer.problem) });
        } catch {
          // not our JSON: no such command, a Python 2 refusing -I, a crash
        }
        const code = (error as NodeJS.ErrnoException | null)?.code;
        if (code === 'ENOENT') return resolve({ ok: false, problem: 'not found' });
        if (error?.killed) return resolve({ ok: false, problem: `no answer in ${PROBE_TIMEOUT_MS / 1000} s` });
        const said = (stderr || stdout || String(error ?? '')).trim().split('\n')[0];
        resolve({ ok: false, problem: `not a usable Python 3 (${said.slice(0, 200)})` });
      },
    );
  });
}

/** `~` and `${workspaceFolder}` expanded, as in the settings' descriptions. */
function expand(value: string, root: string): string {
  return value.replace(/\$\{workspaceFolder\}/g, root).replace(/^~(?=$|[\\/])/, os.homedir());
}

/** An absolute path when `command` names an executable file (a path, or a name on PATH). */
function findExecutable(command: string, root: string): string | undefined {
  const exts = process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE').split(';')] : [''];
  const runnable = (file: string) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (path.isAbsolute(command) || command.includes('/') || command.includes('\\')) {
    const abs = path.resolve(root || process.cwd(), command); // relative: to the folder the server runs in
    return exts.map((ext) => abs + ext).find(runnable);
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const hit = exts.map((ext) => path.join(dir, command + ext)).find(runnable);
    if (hit) return hit;
  }
  return undefined;
}
