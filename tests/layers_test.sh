#!/usr/bin/env bash
# layers_test.sh - the core's folders are layers, and a layer includes only
# itself and the layers below it:
#   base < storage < records < {workflows, quality} < {exchange, sync, analytics} < demo
# (siblings in braces include none of each other).
# Nothing in src/core includes the app, the platform or the server.
set -u
core="$(cd "$(dirname "$0")/../src/core" && pwd)"
rank() {
  case "$1" in
    base) echo 0 ;; storage) echo 1 ;; records) echo 2 ;; workflows|quality) echo 3 ;;
    exchange|sync|analytics) echo 4 ;; demo) echo 5 ;; *) echo -1 ;;
  esac
}
bad=0 files=0
while IFS= read -r f; do
  files=$((files + 1))
  layer="${f#$core/}"; layer="${layer%%/*}"
  r=$(rank "$layer")
  if [ "$r" -lt 0 ]; then echo "$f: not in a layer folder"; bad=$((bad + 1)); continue; fi
  while IFS= read -r inc; do
    [ -n "$inc" ] || continue
    dep="${inc%%/*}"
    if [ "$dep" = "$inc" ]; then echo "$f: includes \"$inc\" without its layer folder"; bad=$((bad + 1)); continue; fi
    d=$(rank "$dep")
    if [ "$d" -lt 0 ]; then echo "$f: includes \"$inc\", outside the core's layers"; bad=$((bad + 1)); continue; fi
    if [ "$dep" != "$layer" ] && { [ "$d" -gt "$r" ] || [ "$d" -eq "$r" ]; }; then
      echo "$f: $layer includes $inc (a layer may include only the layers below it)"; bad=$((bad + 1))
    fi
  done < <(grep -hoE '^\s*#\s*include\s*"[^"]+"' "$f" | sed -E 's/.*"([^"]+)".*/\1/')
done < <(find "$core" -name '*.cpp' -o -name '*.h' | sort)
echo "$files files checked, $bad layering problems"
[ "$files" -gt 0 ] && [ "$bad" -eq 0 ]
