#!/usr/bin/env bash
# bench.sh - build both configurations and run the core benchmark natively
# and as wasm under node, then print each figure side by side with the
# wasm/native ratio. CONTACTS=N sets the size (default: the benchmark size,
# 100,000 contacts). Prints figures; never fails on a slow machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
CONTACTS="${CONTACTS:-100000}"
bash scripts/setup.sh
for p in native wasm; do
  cmake --preset "$p" >/dev/null
  cmake --build --preset "$p" --target bench_core | tail -n 1
done
OUT="$ROOT/build/bench"
mkdir -p "$OUT"
echo "== native (g++ -O2), $CONTACTS contacts"
build/native/tests/bench_core --contacts "$CONTACTS" --db "$OUT/native.sqlite" | tee "$OUT/native.txt"
echo "== wasm (emcc -O3) under node $(node --version), $CONTACTS contacts"
WASM_BENCH=(node --no-experimental-fetch --stack-size=4096 build/wasm/tests/bench_core.js)
"${WASM_BENCH[@]}" --contacts "$CONTACTS" --db "$OUT/wasm.sqlite" | tee "$OUT/wasm.txt"
# CSV import, each size in its own process so the peak memory is the import's.
# CSV_ROWS="100000 1000000" by default; small runs (CONTACTS < 10000) skip 1M.
CSV_ROWS="${CSV_ROWS:-100000 $([ "$CONTACTS" -ge 10000 ] && echo 1000000)}"
for rows in $CSV_ROWS; do
  echo "== CSV import of $rows contacts: native, then wasm"
  build/native/tests/bench_core --csv "$rows" --db "$OUT/native.sqlite" | tee -a "$OUT/native.txt"
  "${WASM_BENCH[@]}" --csv "$rows" --db "$OUT/wasm.sqlite" | tee -a "$OUT/wasm.txt"
done
echo "== wasm / native"
awk '
  FNR == NR { if ($1 == "bench" && NF == 4) { nat[$2] = $3; unit[$2] = $4 } next }
  $1 == "bench" && NF == 4 && ($2 in nat) {
    r = (nat[$2] > 0) ? $3 / nat[$2] : 0
    # For throughputs a higher figure is better: report the slowdown either way.
    if (unit[$2] ~ /\/s$/ && $3 > 0) r = nat[$2] / $3
    printf "%-28s native %12.3f  wasm %12.3f %-10s  wasm is %.2fx %s\n", $2, nat[$2], $3, unit[$2], r, ($2 == "db_file_size" || $2 == "demo_records") ? "the size" : "the time"
  }' "$OUT/native.txt" "$OUT/wasm.txt"

echo "== the app in Chromium, $CONTACTS contacts generated in the page"
cmake --build --preset wasm --target site | tail -n 1
(cd wasm-tests && node bench.app.mjs "$CONTACTS") | tee "$OUT/app.txt"
echo "== the Analytics screen in Chromium, $CONTACTS contacts"
(cd wasm-tests && node bench.analytics.mjs "$CONTACTS") | tee "$OUT/analytics.txt"
echo "== search as you type in Chromium, $CONTACTS contacts: the list's search box and Ctrl+K"
(cd wasm-tests && node bench.search.mjs "$CONTACTS") | tee "$OUT/search.txt"
(cd wasm-tests && node bench.duplicates.mjs "$CONTACTS") | tee "$OUT/duplicates.txt"
echo "== start-up in Chromium: navigation to the first frame, a new user's empty database and a reload"
(cd wasm-tests && node bench.start.mjs) | tee "$OUT/start.txt"
(cd wasm-tests && node bench.open.mjs "$CONTACTS") | tee "$OUT/open.txt"

echo "== sync over HTTP on loopback, $CONTACTS contacts: crm-server on SQLite and on PostgreSQL"
cmake --build --preset native --target bench_sync crm crm-server | tail -n 1
bash tests/with_postgres.sh sh -c "build/native/tests/bench_sync --server-bin build/native/crm-server --dir '$OUT/sync' --contacts '$CONTACTS' --pg \"\$CRM_TEST_PG\"" \
  | tee "$OUT/sync.txt"
echo "== a new device joins a workspace of $CONTACTS contacts in Chromium"
(cd wasm-tests && node bench.sync.mjs "$CONTACTS") | tee "$OUT/sync-browser.txt"
