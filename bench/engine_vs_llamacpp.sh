#!/usr/bin/env bash
# The reference engine beside llama.cpp on this CPU, in one run: for each model shape, GGUF
# format and thread count, prefill and decode tokens/s of `llmdse`'s engine and of llama.cpp
# on the same synthetic weights (the engine's seed, exported to GGUF with every matrix in the
# format, output head included; the engine stores its head the same way), batch 1, interleaved
# runs, medians (bench_engine_vs_llamacpp). Each row holds the shared build lock while it runs,
# so other work on the machine waits instead of skewing the timings (llama.cpp's thread pool
# spins and suffers most under contention).
# Usage: bash bench/engine_vs_llamacpp.sh [MODELS...]   (default: smollm-135m qwen2.5-0.5b)
# Environment: FORMATS="f32 f16 q8_0 q4_0", THREADS="1 2", PROMPT=128, OUTPUT=64, ROUNDS=5,
# LOCK=/tmp/llmdse-build.lock (empty: no lock), LLMDSE_LLAMACPP (llama.cpp's library folder).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-build/bin/bench_engine_vs_llamacpp}
MODELS=("$@")
[ ${#MODELS[@]} -gt 0 ] || MODELS=(smollm-135m qwen2.5-0.5b)
FORMATS=${FORMATS:-f32 f16 q8_0 q4_0}
THREADS=${THREADS:-1 2}
PROMPT=${PROMPT:-128}
OUTPUT=${OUTPUT:-64}
ROUNDS=${ROUNDS:-5}
LOCK=${LOCK-/tmp/llmdse-build.lock}
locked=()
[ -n "$LOCK" ] && locked=(flock "$LOCK")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for m in "${MODELS[@]}"; do
  for f in $FORMATS; do
    for t in $THREADS; do
      echo "== $m $f $t thread(s)" >&2
      "${locked[@]}" "$BENCH" "$m" "$f" "$t" "$PROMPT" "$OUTPUT" "$ROUNDS" >> "$out"
    done
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r0 = rows[0]
print(f"llama.cpp {r0['llamacpp_version']}; batch 1, prompt {r0['prompt']}, {r0['output']} new tokens, "
      f"medians of {r0['rounds']} interleaved rounds after a warm-up")
print()
print("| model | format (engine) | threads | llama.cpp prefill / decode tok/s | engine prefill / decode tok/s | ratio prefill / decode |")
print("|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['model']} | {r['format']} ({r['engine_weights']}) | {r['threads']} | "
          f"{r['llamacpp_prefill_tok_s']:.1f} / {r['llamacpp_decode_tok_s']:.1f} | "
          f"{r['engine_prefill_tok_s']:.1f} / {r['engine_decode_tok_s']:.1f} | "
          f"{r['prefill_ratio']:.2f}x / {r['decode_ratio']:.2f}x |")
low = [r for r in rows if min(r['prefill_ratio'], r['decode_ratio']) < 0.9]
print()
print(f"{len(rows) - len(low)} of {len(rows)} rows at >= 0.9x llama.cpp in both phases")
PY
