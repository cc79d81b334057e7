#!/usr/bin/env bash
# Installs what building and testing gradc needs on Debian 12, if it is missing.
# Runs apt-get as root (directly, or through sudo when not root).
set -euo pipefail

packages=(
  cmake ninja-build g++ make python3 pkg-config
  llvm-19-dev            # the LLVM backend (JIT and object files)
  libboost1.81-dev       # Boost.Spirit X3 (conflicts with libboost1.74-dev: install only 1.81)
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev lld-14   # sanitizer runtimes, libFuzzer
  graphviz               # renders `gradc print --format dot` in tests
  python3-torch python3-sympy python3-numpy   # the oracle tests (Debian's /usr/bin/python3)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
