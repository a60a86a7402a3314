#!/usr/bin/env bash
# Fetch the libraries the graph page bundles from the npm registry and copy their built files
# and licences into the package (claim_lsp/graphview/), where `claim-lsp graph --format html`,
# the server's claim-lsp/graph request and the VS Code extension read them. Node is needed
# only here: `pip install claim-lsp` ships the files.
#
#   Cytoscape.js   draws the graph (canvas), pans, zooms, styles, hit-tests clicks
#   d3-force       lays it out (Barnes-Hut many-body force: Cytoscape's own `cose` compares
#                  every pair of nodes each step, 7.5 s at 1,700 nodes against d3-force's 1.4 s),
#                  with the three small d3 modules it needs (dispatch, quadtree, timer)
#
#   bash scripts/update_graph_library.sh     # the versions pinned below
#
# To update: change a pin below, run this, then the unit tests (tests/unit/test_graph_html.py
# checks each bundled file is its pinned version) and the browser test
# (python -m pytest -m editors tests/editors/test_graph_page.py), and look at the screenshot
# it saves; editors/vscode/build.sh copies the files into the extension.
set -euo pipefail
CYTOSCAPE=cytoscape@3.35.0
D3=(d3-dispatch@3.0.2 d3-quadtree@3.0.2 d3-timer@3.0.2 d3-force@3.0.1)  # in load order

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=$REPO/claim_lsp/graphview
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

unpack() {  # name@version -> $WORK/name/package
  local dir=$WORK/${1%@*}
  mkdir -p "$dir"
  (cd "$dir" && tar xzf "$(npm pack --silent "$1" | tail -1)")
}

unpack "$CYTOSCAPE"
cp "$WORK/cytoscape/package/dist/cytoscape.min.js" "$DEST/cytoscape.min.js"
cp "$WORK/cytoscape/package/LICENSE" "$DEST/LICENSE.cytoscape"

: > "$DEST/d3-force.min.js"
: > "$DEST/LICENSE.d3"
for spec in "${D3[@]}"; do
  name=${spec%@*}
  unpack "$spec"
  # each file starts with a comment naming its version; a newline keeps the next one apart
  cat "$WORK/$name/package/dist/$name.min.js" >> "$DEST/d3-force.min.js"
  echo >> "$DEST/d3-force.min.js"
  { echo "$spec"; echo; cat "$WORK/$name/package/LICENSE"; echo; } >> "$DEST/LICENSE.d3"
done
echo "$CYTOSCAPE ${D3[*]} -> $DEST"
wc -c "$DEST"/*.js
