// A stand-in for ms-python.python in tests/editors/test_vscode.py: the part of its API the Claim
// LSP extension reads (exports.environments: getActiveEnvironmentPath, resolveEnvironment,
// onDidChangeActiveEnvironmentPath), answering with the interpreters in CLAIM_TEST_PYTHONS
// (paths separated by the path delimiter). "Python: Select Interpreter" moves to the next one.
'use strict';
const path = require('path');
const vscode = require('vscode');

exports.activate = function activate(context) {
  const pythons = (process.env.CLAIM_TEST_PYTHONS || '').split(path.delimiter).filter(Boolean);
  let current = 0;
  const changed = new vscode.EventEmitter();
  context.subscriptions.push(
    changed,
    vscode.commands.registerCommand('python.setInterpreter', () => {
      current = (current + 1) % pythons.length;
      changed.fire({ id: pythons[current], path: pythons[current], resource: undefined });
    }),
  );
  return {
    environments: {
      getActiveEnvironmentPath: () => ({ id: pythons[current], path: pythons[current] }),
      resolveEnvironment: async (env) => {
        const where = typeof env === 'string' ? env : env.path;
        return { id: where, path: where, executable: { uri: vscode.Uri.file(where) } };
      },
      onDidChangeActiveEnvironmentPath: changed.event,
    },
  };
};
