#!/usr/bin/env bash
# llama.cpp on this computer against the estimate, in one run: for each model and GGUF
# format, measured prefill and decode tokens/s beside `evaluate --hardware host --runtime
# llama.cpp` (the host's calibrated profile when `llmdse calibrate --runtime llama.cpp --host`
# has been run) and the error per phase. Each row re-measures the host first and takes the
# median of REPEAT runs after a warm-up (`llmdse check --runtime llama.cpp`).
# Usage: bash bench/llamacpp_check.sh [MODELS...]   (default: smollm-135m qwen2.5-0.5b llama-3.2-1b qwen2.5-1.5b)
# Environment: FORMATS="f32 f16 q8_0 q4_0", THREADS (default: every core), PROMPT=128, OUTPUT=64, REPEAT=3,
# ROWS_DIR (keep each row's `check --format json`, with its runs' machine-state probes, there).
set -euo pipefail
cd "$(dirname "$0")/.."
LLMDSE=${LLMDSE:-build/bin/llmdse}
MODELS=("$@")
[ ${#MODELS[@]} -gt 0 ] || MODELS=(smollm-135m qwen2.5-0.5b llama-3.2-1b qwen2.5-1.5b)
FORMATS=${FORMATS:-f32 f16 q8_0 q4_0}
PROMPT=${PROMPT:-128}
OUTPUT=${OUTPUT:-64}
REPEAT=${REPEAT:-3}
threads=()
[ -n "${THREADS:-}" ] && threads=(--threads "$THREADS")
if [ -n "${ROWS_DIR:-}" ]; then
  out=$ROWS_DIR
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
for m in "${MODELS[@]}"; do
  for f in $FORMATS; do
    echo "== $m $f" >&2
    "$LLMDSE" check --runtime llama.cpp --model "$m" --weights "$f" --prompt "$PROMPT" --output "$OUTPUT" \
      --repeat "$REPEAT" "${threads[@]}" --format json > "$out/$m-$f.json"
  done
done
/usr/bin/python3 - "$out" "$PROMPT" <<'PY'
import glob, json, os, statistics, sys
rows = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.json")))]
print(f"llama.cpp {rows[0]['llama_cpp_version']}, {rows[0]['threads']} thread(s), prompt {sys.argv[2]}, output {rows[0]['output']}")
print(f"profile: {rows[0]['runtime_provenance'][:160]}...")
print()
print("| model | format | prefill measured / estimated tok/s | error | decode measured / estimated tok/s | error |")
print("|---|---|---|---|---|---|")
pe, de = [], []
for r in rows:
    p, d = r["prefill"], r["decode_step"]
    prompt = r["prompt"]
    pe.append(abs(p["error_percent"])); de.append(abs(d["error_percent"]))
    print(f"| {r['model']} | {r['weights']} | {prompt / p['measured_s']:.1f} / {prompt / p['predicted_s']:.1f} | "
          f"{p['error_percent']:+.1f}% | {1 / d['measured_s']:.1f} / {1 / d['predicted_s']:.1f} | {d['error_percent']:+.1f}% |")
print()
print(f"median |error|: prefill {statistics.median(pe):.1f}%, decode {statistics.median(de):.1f}% "
      f"(max {max(pe):.1f}% / {max(de):.1f}%) over {len(rows)} model x format rows")
PY
