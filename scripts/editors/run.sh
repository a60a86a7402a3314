#!/usr/bin/env bash
# Install the editors (scripts/editors/install.sh, idempotent) and run the real-editor tests:
# Neovim 0.7.2, Emacs 28 + eglot, code-server 4.100.3 in headless Chromium.
#   bash scripts/editors/run.sh [extra pytest args]
# Uses ./.venv (with the project installed) when there is one. Screenshots and logs go to
# $CLAIM_LSP_ARTIFACTS (default tests/editors/artifacts/).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
t0=$SECONDS
bash scripts/editors/install.sh
t_install=$((SECONDS - t0))
PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
[ -d .venv/bin ] && export PATH="$REPO/.venv/bin:$PATH"   # claim-lsp for the editors
status=0
"$PY" -m pytest -m editors -p no:cacheprovider -v --durations=0 tests/editors "$@" || status=$?
echo "editors: install ${t_install} s, total $((SECONDS - t0)) s, artifacts in ${CLAIM_LSP_ARTIFACTS:-tests/editors/artifacts}"
exit $status
