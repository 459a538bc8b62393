#!/usr/bin/env bash
# llama.cpp on this computer against the estimate, in one run: for each model and GGUF
# format, measured prefill and decode tokens/s beside `evaluate --hardware host --runtime
# llama.cpp` (the host's calibrated profile when `llmdse calibrate --runtime llama.cpp --host`
# has been run) and the error per phase. Each row re-measures the host first and takes the
# median of REPEAT runs after a warm-up (`llmdse check --runtime llama.cpp`). With ROUNDS > 1 the
# whole table is measured again, alternately backward and forward, so that a shared machine's drift
# over the run falls on every row alike; each row then reports the median over its rounds.
# Usage: bash bench/llamacpp_check.sh [MODELS...]   (default: smollm-135m qwen2.5-0.5b llama-3.2-1b qwen2.5-1.5b)
# Environment: FORMATS="f32 f16 q8_0 q4_0", THREADS (default: every core), PROMPT=128, OUTPUT=64, REPEAT=3,
# ROUNDS=1, ROWS_DIR (keep each row's `check --format json`, with its runs' machine-state probes, there).
set -euo pipefail
cd "$(dirname "$0")/.."
LLMDSE=${LLMDSE:-build/bin/llmdse}
MODELS=("$@")
[ ${#MODELS[@]} -gt 0 ] || MODELS=(smollm-135m qwen2.5-0.5b llama-3.2-1b qwen2.5-1.5b)
FORMATS=${FORMATS:-f32 f16 q8_0 q4_0}
PROMPT=${PROMPT:-128}
OUTPUT=${OUTPUT:-64}
REPEAT=${REPEAT:-3}
ROUNDS=${ROUNDS:-1}
threads=()
[ -n "${THREADS:-}" ] && threads=(--threads "$THREADS")
if [ -n "${ROWS_DIR:-}" ]; then
  out=$ROWS_DIR
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
rows=()
for m in "${MODELS[@]}"; do
  for f in $FORMATS; do rows+=("$m $f"); done
done
for ((round = 1; round <= ROUNDS; round++)); do
  order=("${rows[@]}")
  if ((round % 2 == 0)); then
    order=()
    for ((i = ${#rows[@]} - 1; i >= 0; i--)); do order+=("${rows[i]}"); done
  fi
  for row in "${order[@]}"; do
    read -r m f <<<"$row"
    echo "== round $round of $ROUNDS: $m $f" >&2
    "$LLMDSE" check --runtime llama.cpp --model "$m" --weights "$f" --prompt "$PROMPT" --output "$OUTPUT" \
      --repeat "$REPEAT" "${threads[@]}" --format json > "$out/$m-$f.round$round.json"
  done
done
/usr/bin/python3 - "$out" "$PROMPT" <<'PY'
import glob, json, os, statistics, sys
by_row = {}
for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.round*.json"))):
    r = json.load(open(p))
    by_row.setdefault((r["model"], r["weights"]), []).append(r)
first = next(iter(by_row.values()))[0]
rounds = max(len(v) for v in by_row.values())
print(f"llama.cpp {first['llama_cpp_version']}, {first['threads']} thread(s), prompt {sys.argv[2]}, output {first['output']}, "
      f"{rounds} round(s): measured = median over rounds of each round's median")
print(f"profile: {first['runtime_provenance'][:160]}...")
print()
print("| model | format | prefill measured / estimated tok/s | error | decode measured / estimated tok/s | error |")
print("|---|---|---|---|---|---|")
pe, de, per_format = [], [], {}
for (model, weights), rs in sorted(by_row.items()):
    prompt = rs[0]["prompt"]
    pm = statistics.median(r["prefill"]["measured_s"] for r in rs)
    pp = statistics.median(r["prefill"]["predicted_s"] for r in rs)
    dm = statistics.median(r["decode_step"]["measured_s"] for r in rs)
    dp = statistics.median(r["decode_step"]["predicted_s"] for r in rs)
    e_p, e_d = 100 * (pp / pm - 1), 100 * (dp / dm - 1)  # as `check`: predicted over measured time; - is an estimate too fast
    pe.append(abs(e_p)); de.append(abs(e_d))
    per_format.setdefault(weights, ([], []))
    per_format[weights][0].append(abs(e_p)); per_format[weights][1].append(abs(e_d))
    print(f"| {model} | {weights} | {prompt / pm:.1f} / {prompt / pp:.1f} | {e_p:+.1f}% | {1 / dm:.1f} / {1 / dp:.1f} | {e_d:+.1f}% |")
print()
print(f"median |error|: prefill {statistics.median(pe):.1f}%, decode {statistics.median(de):.1f}% "
      f"(max {max(pe):.1f}% / {max(de):.1f}%) over {len(by_row)} model x format rows")
print("per format, median |error| prefill / decode: " + ", ".join(
    f"{w} {statistics.median(v[0]):.1f}% / {statistics.median(v[1]):.1f}%" for w, v in sorted(per_format.items())))
PY
