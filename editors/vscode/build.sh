#!/usr/bin/env bash
# Build the VS Code extension with the claim-lsp server inside it, one package per platform:
#   editors/vscode/build.sh                  this machine's platform -> claim-lsp.vsix
#   editors/vscode/build.sh --target all     every platform below    -> dist/claim-lsp-<target>.vsix
#   editors/vscode/build.sh --target darwin-arm64 [--target ...]
# Steps: install the pinned npm packages (package-lock.json); type-check (strict tsc, the lint)
# and bundle the client with esbuild (vsce runs "vscode:prepublish"); copy the graph view's page
# and libraries into media/; build claim_lsp's wheel from this repository and install it with
# bundled/requirements.txt into bundled/libs/cpXY for each Python in PYTHONS, from the target
# platform's wheels (pip --platform: PyYAML and RapidFuzz are compiled per Python version and
# platform); `vsce package --target`. Needs Node 20 + npm and a Python 3 with pip (PyPI reachable).
# Only linux-x64 is tested (tests/editors/test_vscode.py runs its package in code-server); the
# other packages are assembled the same way from those platforms' wheels and are untested.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
HERE=$(pwd)
REPO=$(cd ../.. && pwd)
PYTHONS=(3.11 3.12 3.13 3.14)
# pip's --platform takes exact tags: every tag a wanted wheel may carry. Linux: glibc 2.28, the
# floor VS Code itself has had since 1.86. macOS x64: 10.15 (PyYAML 6.0.4's oldest).
declare -A PLATFORMS=(
  [linux-x64]="manylinux_2_17_x86_64 manylinux_2_28_x86_64"
  [linux-arm64]="manylinux_2_17_aarch64 manylinux_2_28_aarch64"
  [darwin-x64]="macosx_10_9_x86_64 macosx_10_12_x86_64 macosx_10_13_x86_64 macosx_10_15_x86_64"
  [darwin-arm64]="macosx_11_0_arm64"
  [win32-x64]="win_amd64"
)
ALL=(linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64)

host_target() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=win32 ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  echo "$os-$arch"
}

targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target)
      shift
      if [ "${1:-}" = all ]; then targets+=("${ALL[@]}"); else targets+=("${1:?--target needs a platform}"); fi ;;
    *) echo "build.sh: unknown argument $1 (use --target PLATFORM|all)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || targets=("$(host_target)")
for t in "${targets[@]}"; do
  [ -n "${PLATFORMS[$t]:-}" ] || { echo "build.sh: no wheels known for platform $t (known: ${ALL[*]})" >&2; exit 2; }
done

PY=${PYTHON:-python3}
"$PY" -m pip --version >/dev/null || { echo "build.sh: $PY has no pip" >&2; exit 2; }

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

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PY" -m pip wheel -q --disable-pip-version-check --no-deps -w "$work/wheel" "$REPO"
wheel=$(ls "$work"/wheel/claim_lsp-*.whl)

for target in "${targets[@]}"; do
  rm -rf bundled/libs
  platform_args=()
  for tag in ${PLATFORMS[$target]}; do platform_args+=(--platform "$tag"); done
  for version in "${PYTHONS[@]}"; do
    # --no-compile: a .pyc is for one Python version; the interpreter writes its own at first run
    "$PY" -m pip install -q --disable-pip-version-check --no-compile --only-binary=:all: \
      --implementation cp --python-version "$version" "${platform_args[@]}" \
      --target "bundled/libs/cp${version/./}" -r bundled/requirements.txt "$wheel"
  done
  if [ "$target" = "$(host_target)" ] && [ ${#targets[@]} -eq 1 ]; then
    out=claim-lsp.vsix
  else
    mkdir -p dist
    out=dist/claim-lsp-$target.vsix
  fi
  # vsce runs the "vscode:prepublish" script: lint (tsc --noEmit) + bundle (esbuild)
  npx --no-install vsce package --target "$target" --no-dependencies --skip-license --allow-missing-repository --out "$out"
  echo "built $HERE/$out ($(du -h "$out" | cut -f1), $target, Python ${PYTHONS[*]})"
done
