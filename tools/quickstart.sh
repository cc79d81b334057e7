#!/usr/bin/env bash
# Installs what is missing, builds gradc (release) and runs it on the seed example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
echo "--- gradc eval examples/seed_net.grad --set x=4"
build/release/gradc eval examples/seed_net.grad --set x=4
echo "--- gradc print examples/seed_net.grad --output dy_dw1"
build/release/gradc print examples/seed_net.grad --output dy_dw1
