#!/usr/bin/env bash
# Build the VS Code extension: install the pinned npm packages (package-lock.json), type-check
# (the lint: strict tsc, no unused names), compile to out/, package claim-lsp.vsix with vsce.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# reinstall only when package-lock.json changed since the last install
if ! cmp -s package-lock.json node_modules/.package-lock.json.installed 2>/dev/null; then
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.package-lock.json.installed
fi
npm run --silent lint
npm run --silent compile
npx --no-install vsce package --skip-license --allow-missing-repository --out claim-lsp.vsix
echo "built $(pwd)/claim-lsp.vsix"
