#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then build and run examples/cpp (a separate
# project using find_package(gradc)) and examples/c (a C program linking a gradc
# object). usage: install_check.sh BUILD_DIR SOURCE_DIR GRADC [CXX_FLAGS]
# CXX_FLAGS: the sanitizer flags of a sanitized libgradc.so, which its users need too.
set -euo pipefail
build="$1"; source="$2"; gradc="$3"; flags="${4:-}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/examples/cpp" -B "$work/cpp" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$work/cpp" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib" "$work/cpp/seed_gradients"
"$gradc" compile "$source/examples/seed_net.grad" -o "$work/seed_net.o" --header "$work/seed_net.h"
cc -std=c11 -Wall -Werror -I"$work" "$source/examples/c/seed_main.c" "$work/seed_net.o" -lm -o "$work/seed_main"
"$work/seed_main" >/dev/null
echo "2 passed, 0 failed"
