#!/usr/bin/env bash
# Set up, build, and run the main job on built-in defaults: the bundled zoo and
# an embedded SQLite store (no server). Writes results under ./demo-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh Release
OUT=demo-output
mkdir -p "$OUT"
LLMDSE=build/bin/llmdse
echo
echo "== 1. One design: Llama-3-8B, 4-bit weights, batch 8, 2K context on an H100"
$LLMDSE evaluate --model llama-3-8b --hardware h100-sxm --weights int4:g128 --batch 8 --prompt 2048 --output 256
echo
echo "== 2. The same workload on one preset of each hardware class"
for hw in h100-sxm xeon-8480-amx alveo-u280 groq-lpu sk-hynix-aim; do
  $LLMDSE evaluate --model llama-3-8b --hardware $hw --weights int4:g128 --batch 8 --prompt 2048 --output 256 \
    --format json > "$OUT/eval-$hw.json"
  python3 - "$OUT/eval-$hw.json" "$hw" <<'PY' 2>/dev/null || grep -E '"(ttft_s|tpot_s|tokens_per_j|fits)"' "$OUT/eval-$hw.json"
import json, sys
d = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]:>14}: TTFT {d['ttft_s']*1e3:9.2f} ms  TPOT {d['tpot_s']*1e3:8.3f} ms  "
      f"{d['tokens_per_j']:7.3f} tokens/J  {d['avg_power_w']:7.1f} W  {d['memory']['message']}")
PY
done
echo
echo "== 3. A 1,048,576-point sweep into SQLite with its Pareto front"
rm -f "$OUT/sweep.sqlite" "$OUT/sweep.sqlite-wal" "$OUT/sweep.sqlite-shm"
$LLMDSE sweep --study bench/studies/grid-1m.json --out "$OUT/sweep.sqlite" --pareto | head -20
echo
echo "== 4. A custom accelerator: the systolic template, simulated tile by tile (cached in SQLite)"
$LLMDSE evaluate --model llama-3-8b --hardware template-systolic --weights int8 --activations int8 --batch 8 \
  --prompt 2048 --output 256 --estimator simulation --sim-cache "$OUT/simcache.sqlite" | sed -n 4,20p
echo
echo "== 5. Estimates against the measured H100/H200 runs"
$LLMDSE validate --data resources/validation/gpu-measurements-extra.json | tail -1
echo
echo "Results in $OUT/ (sweep.sqlite: tables points, pareto, meta; simcache.sqlite: simulated operators)."
