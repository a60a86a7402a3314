#!/usr/bin/env bash
# Fuzz parse_note and `check` of generated vaults with hypothesis for FUZZ_MINUTES minutes
# (default 5), split between the targets. Outside the default test run (marker `fuzz`).
#   FUZZ_MINUTES=30 scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_MINUTES="${FUZZ_MINUTES:-5}"
exec python -m pytest -m fuzz tests/fuzz/fuzz_targets.py -q -s -p no:cacheprovider "$@"
