#!/usr/bin/env bash
# Installs llama.cpp's prebuilt CPU libraries (from the npm registry) and the matching
# headers into .llamacpp/ of this repository, for `llmdse check --runtime llama.cpp`,
# `calibrate --runtime llama.cpp --host` and bench/llamacpp_check.sh. llmdse loads the
# libraries at run time (dlopen); nothing else depends on them. Idempotent.
#   .llamacpp/lib/      libllama, libggml, libggml-base and the CPU backends per x86 level
#   .llamacpp/src/      the llama.cpp source release they were built from (include/, ggml/include/)
# To use another llama.cpp build instead, set LLMDSE_LLAMACPP=DIR (a folder with libllama*.so
# and libggml*.so of the same release) when running llmdse.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=3.21.1 # node-llama-cpp release; its llama.cpp is recorded in llama/llama.cpp.info.json
DEST=.llamacpp
if [ -f "$DEST/.installed-$VERSION" ]; then
  echo "== llama.cpp from node-llama-cpp $VERSION already in $DEST/"
  exit 0
fi
if ! command -v npm > /dev/null; then
  echo "== installing: npm"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm git
fi
echo "== fetching llama.cpp's prebuilt libraries (npm: node-llama-cpp@$VERSION, @node-llama-cpp/linux-x64@$VERSION)"
rm -rf "$DEST"
mkdir -p "$DEST/npm"
# The linux-x64 package is named explicitly: node-llama-cpp lists every platform's build as
# optional, and --omit=optional keeps the CUDA and Vulkan builds (hundreds of MB) out.
npm install --prefix "$DEST/npm" --no-audit --no-fund --ignore-scripts --omit=optional -E \
  "node-llama-cpp@$VERSION" "@node-llama-cpp/linux-x64@$VERSION" > "$DEST/npm.log" 2>&1 || { cat "$DEST/npm.log"; exit 1; }
bins="$DEST/npm/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
[ -f "$bins/libggml-base.so" ] || { echo "setup-llamacpp: no libraries in $bins" >&2; exit 1; }
mkdir -p "$DEST/lib"
cp "$bins"/lib*.so "$DEST/lib/"
echo "== extracting the matching headers (llama.cpp source release in node-llama-cpp)"
git clone --quiet "$DEST/npm/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$DEST/src" 2> /dev/null ||
  git clone "$DEST/npm/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$DEST/src"
cp "$DEST/npm/node_modules/node-llama-cpp/llama/llama.cpp.info.json" "$DEST/"
rm -rf "$DEST/npm" # keep only the libraries and the sources
touch "$DEST/.installed-$VERSION"
echo "== llama.cpp $(grep -o '"tag": *"[^"]*"' "$DEST/llama.cpp.info.json" | cut -d'"' -f4) in $DEST/lib ($(ls "$DEST/lib" | wc -l) libraries)"
