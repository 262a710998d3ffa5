#!/usr/bin/env bash
# look-before.sh - the app as it looked before its designed look (issue 13),
# built once so look.test.mjs can take the same screenshots of it: every
# screen, a record and a form in both themes, saved as
# wasm-tests/out/before-{light,dark}-*.png beside the look-*.png of today.
#
# Builds commit $LOOK_BEFORE_REV (the last one with Dear ImGui's default
# style) in a git worktree under build/look-before and prints the path of its
# site. A second run reuses the build. Needs the clone's history: in a
# shallow clone it says so and prints nothing (look.test then skips "before").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REV="${LOOK_BEFORE_REV:-45221a49a50cdf86bc5e083ec70e26a96b1e4fdd}"   # 45221a4
DIR="$ROOT/build/look-before"

if ! git -C "$ROOT" cat-file -e "$REV^{commit}" 2>/dev/null; then
  echo "look-before: commit $REV is not in this clone (shallow?): no before screenshots" >&2
  exit 0
fi
if [ -f "$DIR/src/site/crm.wasm" ] && [ "$(cat "$DIR/built" 2>/dev/null)" = "$REV" ]; then
  echo "$DIR/src/site"
  exit 0
fi
rm -rf "$DIR"
git -C "$ROOT" worktree prune
mkdir -p "$DIR"
git -C "$ROOT" worktree add --detach "$DIR/src" "$REV" >&2
# The same third-party sources the build of today fetched (setup.sh).
ln -s "$ROOT/third_party" "$DIR/src/third_party"
export NODE_PATH=/usr/share/nodejs
{ cd "$DIR/src" && cmake --preset wasm >/dev/null && cmake --build build/wasm --target site -j 2; } 2>&1 | tail -n 5 >&2
echo "$REV" > "$DIR/built"
echo "$DIR/src/site"
