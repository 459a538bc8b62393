#!/usr/bin/env bash
# Set up, build, and run the whole test suite (CTest: Qt Test suites and the single-node Slurm test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh Release --with-llamacpp
bash scripts/setup-slurm.sh # Slurm and munge for the cluster test, where root or sudo allows
cd build
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600
