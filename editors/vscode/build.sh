#!/usr/bin/env bash
# Build the VS Code extension: install the pinned npm packages (package-lock.json), type-check
# (strict tsc, no unused names: the lint), bundle with esbuild to out/extension.js (the client
# library included), copy the graph view's page and libraries into media/, and package
# claim-lsp.vsix with vsce.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# reinstall only when package-lock.json changed since the last install
if ! cmp -s package-lock.json node_modules/.package-lock.json.installed 2>/dev/null; then
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.package-lock.json.installed
fi
rm -rf out media
# the graph view: the page and the libraries the Python package ships (claim_lsp/graphview/)
mkdir -p media
cp ../../claim_lsp/graphview/{page.html,graph.js,cytoscape.min.js,d3-force.min.js,LICENSE.cytoscape,LICENSE.d3} media/
# vsce runs the "vscode:prepublish" script: lint (tsc --noEmit) + bundle (esbuild)
npx --no-install vsce package --no-dependencies --skip-license --allow-missing-repository --out claim-lsp.vsix
echo "built $(pwd)/claim-lsp.vsix"
