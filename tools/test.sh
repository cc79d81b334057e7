#!/usr/bin/env bash
# Installs what is missing, builds gradc and runs every test (unit, golden,
# conformance). usage: tools/test.sh [PRESET]   (release by default; asan, debug)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
bash tools/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" -j2
