#!/usr/bin/env bash
# setup.sh - bring a fresh Debian 12 machine to a full build of the CRM.
#
# Installs what is missing, and nothing else, so a second run does no network
# work:
#   - Debian packages: toolchains (cmake, ninja, g++, Emscripten 3.1.6), header
#     libraries (doctest, nlohmann/json, cpp-httplib), OpenSSL and libpq for
#     the sync server, PostgreSQL (the server's tests start a throwaway
#     cluster), Chromium, fonts;
#   - third_party/imgui:  Dear ImGui 1.90.1 from Debian's source package;
#   - third_party/sqlite: the SQLite amalgamation (from the npm package
#     better-sqlite3, which ships it), used by both native and wasm builds;
#   - wasm-tests/node_modules: playwright-core and sql.js from npm.
# third_party/ and node_modules/ are git-ignored: no third-party code is
# committed to the repo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TP="$ROOT/third_party"
IMGUI_VERSION="1.90.1+ds-1"
BETTER_SQLITE3_VERSION="13.2.0"   # ships SQLite 3.54.1
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

say() { printf '[setup] %s\n' "$*"; }

# --- Debian packages ----------------------------------------------------------
APT_PACKAGES=(
  cmake ninja-build g++ make pkg-config xz-utils dpkg-dev
  clang-14 libclang-rt-14-dev
  emscripten
  doctest-dev nlohmann-json3-dev libcpp-httplib-dev
  libssl-dev libpq-dev postgresql
  chromium
  fonts-dejavu-core fonts-inter fonts-droid-fallback fonts-font-awesome
  sqlite3 curl
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Dear ImGui 1.90.1 exists only as a source package in trixie: add deb-src.
SRC_LIST=/etc/apt/sources.list.d/crm-deb-src.sources
need_src=0
[ -f "$TP/imgui/imgui.cpp" ] || need_src=1
if [ "$need_src" = 1 ] && [ ! -f "$SRC_LIST" ]; then
  say "adding deb-src entry for Debian source packages ($SRC_LIST)"
  $SUDO tee "$SRC_LIST" >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi

if [ ${#missing[@]} -gt 0 ] || [ "$need_src" = 1 ]; then
  say "apt-get update"
  $SUDO apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

mkdir -p "$TP/downloads"

# --- Dear ImGui from Debian's source package ----------------------------------
if [ ! -f "$TP/imgui/imgui.cpp" ]; then
  say "fetching Dear ImGui $IMGUI_VERSION source"
  (cd "$TP/downloads" && apt-get source --download-only "imgui=$IMGUI_VERSION" >/dev/null)
  rm -rf "$TP/imgui" "$TP/downloads/imgui-src"
  mkdir -p "$TP/downloads/imgui-src"
  tar -xJf "$TP/downloads"/imgui_1.90.1+ds.orig.tar.xz -C "$TP/downloads/imgui-src"
  mv "$TP/downloads/imgui-src"/* "$TP/imgui"
  rmdir "$TP/downloads/imgui-src"
fi

# --- SQLite amalgamation -------------------------------------------------------
if [ ! -f "$TP/sqlite/sqlite3.c" ]; then
  say "fetching the SQLite amalgamation (npm better-sqlite3@$BETTER_SQLITE3_VERSION)"
  (cd "$TP/downloads" && npm pack --silent "better-sqlite3@$BETTER_SQLITE3_VERSION" >/dev/null)
  rm -rf "$TP/downloads/bs3" && mkdir -p "$TP/downloads/bs3" "$TP/sqlite"
  tar -xzf "$TP/downloads/better-sqlite3-$BETTER_SQLITE3_VERSION.tgz" -C "$TP/downloads/bs3"
  cp "$TP/downloads/bs3/package/deps/sqlite3/sqlite3.c" "$TP/downloads/bs3/package/deps/sqlite3/sqlite3.h" "$TP/sqlite/"
  rm -rf "$TP/downloads/bs3"
fi

# --- Header folder for emcc: only doctest and nlohmann, never /usr/include -----
mkdir -p "$TP/wasm-include"
[ -e "$TP/wasm-include/doctest" ] || ln -s /usr/include/doctest "$TP/wasm-include/doctest"
[ -e "$TP/wasm-include/nlohmann" ] || ln -s /usr/include/nlohmann "$TP/wasm-include/nlohmann"

# --- npm packages for the browser tests ------------------------------------------
if [ ! -f "$ROOT/wasm-tests/node_modules/.package-lock.json" ] ||
   [ "$ROOT/wasm-tests/package-lock.json" -nt "$ROOT/wasm-tests/node_modules/.package-lock.json" ]; then
  say "npm ci in wasm-tests/"
  (cd "$ROOT/wasm-tests" && npm ci --silent --no-audit --no-fund --ignore-scripts)
fi

say "ready"
