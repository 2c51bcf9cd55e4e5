#!/usr/bin/env bash
# Configures and builds pmbench into ./build (Release, all modules found on this machine).
# Extra arguments go to the CMake configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j"$jobs" 2>&1 | tee -a build.log | grep -E "error|warning|Built target pmbench_cli" || true
[[ ${PIPESTATUS[0]} == 0 ]] || { echo "build failed; see build.log" >&2; exit 1; }
rm -f build.log
