#!/usr/bin/env bash
# run.sh - set up what is missing, build the app into site/, and serve it on
# 127.0.0.1 (prints the address). PORT=N picks the port (default 8080).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
bash scripts/setup.sh
cmake --preset wasm >/dev/null
cmake --build --preset wasm --target site
exec node scripts/serve.mjs --root "$ROOT/site" --port "${PORT:-8080}"
