#!/usr/bin/env bash
# The Debian package: cpack builds it from the build tree; its dependencies are Debian
# packages only; unpacked, its llmdse runs from / (resources are compiled in) and finds
# the installed desktop entry, icon, examples and data.
# Usage: deb_package.sh BUILD_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -G DEB -B "$work/pkg" > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/pkg/llmdse_*.deb)
echo "== $(basename "$deb")"
dpkg-deb -I "$deb" | sed 's/^/  /'
depends=$(dpkg-deb -f "$deb" Depends)
[ -n "$depends" ] || { echo "FAIL: no Depends" >&2; exit 1; }
# Every dependency must be a package Debian's archive has (apt knows a candidate for it).
for p in $(echo "$depends" | tr ',' '\n' | sed -E 's/\(.*\)//; s/\|.*//; s/ //g'); do
  policy=$(apt-cache policy "$p" 2>/dev/null)  # not piped into grep -q: pipefail would see apt-cache's SIGPIPE
  grep -q "Candidate: [0-9]" <<< "$policy" || { echo "FAIL: dependency '$p' is not a Debian package" >&2; exit 1; }
done
echo "dependencies: $depends"
contents=$(dpkg-deb -c "$deb")
grep -q "usr/share/applications/llmdse.desktop" <<< "$contents" || { echo "FAIL: no desktop entry" >&2; exit 1; }
grep -q "usr/share/icons/hicolor/scalable/apps/llmdse.svg" <<< "$contents" || { echo "FAIL: no icon" >&2; exit 1; }
dpkg-deb -x "$deb" "$work/root"
cd /
"$work/root/usr/bin/llmdse" --version
"$work/root/usr/bin/llmdse" evaluate --model llama-3-8b --hardware h100-sxm > "$work/evaluate.txt"
head -3 "$work/evaluate.txt"
"$work/root/usr/bin/llmdse" validate --data "$work/root/usr/share/llmdse/validation/gpu-measurements.json" | tail -1
echo "deb package: ok"
