#!/usr/bin/env bash
# Installs what the build needs (Debian 12) and builds llmdse in ./build.
# Idempotent: skips apt-get when everything is present.
# Usage: bash scripts/setup.sh [Release|Debug] [--with-llamacpp]
#   --with-llamacpp  also install llama.cpp's prebuilt libraries and headers (scripts/setup-llamacpp.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_TYPE=Release
WITH_LLAMACPP=0
for arg in "$@"; do
  case "$arg" in
    Release|Debug|RelWithDebInfo) BUILD_TYPE="$arg" ;;
    --with-llamacpp) WITH_LLAMACPP=1 ;;
    *) echo "setup.sh: unknown argument '$arg' (Release|Debug, --with-llamacpp)" >&2; exit 1 ;;
  esac
done
PACKAGES=(build-essential cmake ninja-build qt6-base-dev qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev
          libgl-dev libeigen3-dev libtbb-dev libsqlite3-dev fonts-dejavu-core xvfb xauth
          poppler-utils ccache
          pybind11-dev python3-dev python3-numpy python3-pytest python3-pandas python3-matplotlib)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[ "$WITH_LLAMACPP" -eq 1 ] && bash scripts/setup-llamacpp.sh
echo "== configuring ($BUILD_TYPE)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" > build.log 2>&1 || { cat build.log; exit 1; }
echo "== building"
ninja -C build >> build.log 2>&1 || { tail -50 build.log; exit 1; }
if grep -q "warning:" build.log; then echo "== build warnings:"; grep "warning:" build.log; fi
echo "== built build/bin/llmdse"
