#!/usr/bin/env bash
# The headless build (-DLLMDSE_GUI=OFF), as compute nodes use it: it builds, links no Qt
# Widgets, Charts, Gui or OpenGL (ldd), runs headless commands, and says with exit 1 that
# the workbench and report rendering need the GUI build.
# Usage: headless_build.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src="$1"
out="$2"
cmake -S "$src" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLLMDSE_GUI=OFF -DBUILD_TESTING=OFF > "$out.log" 2>&1 \
  || { cat "$out.log"; exit 1; }
ninja -C "$out" llmdse >> "$out.log" 2>&1 || { tail -40 "$out.log"; exit 1; }
bin="$out/bin/llmdse"
echo "== ldd $bin"
ldd "$bin" | sed 's/^/  /'
if ldd "$bin" | grep -E 'libQt6(Widgets|Charts|Gui|OpenGL|OpenGLWidgets)|libGL|libOpenGL|libX11|libxcb'; then
  echo "FAIL: the headless binary links a GUI library" >&2
  exit 1
fi
cd /
"$bin" --version
"$bin" evaluate --model llama-3-8b --hardware h100-sxm --format json > /dev/null
echo "evaluate: ok"
set +e
"$bin" report --model llama-3-8b --hardware h100-sxm --out /tmp/never.pdf 2> /tmp/headless-report.err
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "LLMDSE_GUI" /tmp/headless-report.err || { echo "FAIL: report should exit 1 naming the GUI build (rc $rc)" >&2; cat /tmp/headless-report.err; exit 1; }
set +e
"$bin" 2> /tmp/headless-gui.err
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "without the workbench" /tmp/headless-gui.err || { echo "FAIL: the workbench should exit 1 (rc $rc)" >&2; exit 1; }
echo "headless build: ok"
