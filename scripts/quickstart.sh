#!/usr/bin/env bash
# One command from a fresh clone: install what is missing, build, and score the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
args=(score examples/data/example.h5 --format table)
if [[ -f examples/encoder/demo_encoder.h5 ]] && ./build/bin/pmbench score --help | grep -q -- --encoder &&
   ./build/bin/pmbench --help | grep -q train-encoder; then
  args+=(--encoder examples/encoder/demo_encoder.h5)
fi
echo "+ build/bin/pmbench ${args[*]}"
./build/bin/pmbench "${args[@]}"
