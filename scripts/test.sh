#!/usr/bin/env bash
# Set up, build, and run the whole test suite (CTest + Qt Test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh Release
cd build
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600
