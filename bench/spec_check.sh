#!/usr/bin/env bash
# Speculative decoding on this CPU: measured speedup (reference engine, plain vs
# speculative greedy) against the estimate fed with the measured acceptance.
# Usage: bash bench/spec_check.sh [llmdse binary]
set -euo pipefail
BIN=${1:-build/bin/llmdse}
FIXTURES=$(cd "$(dirname "$0")/../tests/data/fixtures" && pwd)
run() {
  "$BIN" check "$@" --repeat 3 --format json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
acc = " ".join("%.2f" % a for a in d["acceptance_per_position"])
print("| %s | %s | %d | %s | %.2f / %.2f | %.2fx | %.2fx | %+.1f%% | %s |" % (d["target"], d["draft"], d["draft_len"], acc,
      d["tokens_per_step"]["measured"], d["tokens_per_step"]["predicted"], d["speedup"]["measured"],
      d["speedup"]["predicted"], d["speedup"]["error_percent"], "yes" if d["identical_to_plain"] else "NO"))'
}
echo "| target | draft | k | acceptance by position | tokens/step measured / predicted | speedup measured | predicted | error | identical |"
echo "|---|---|---|---|---|---|---|---|---|"
run --model smollm-135m --draft-layers 29 --prompt 16 --output 64
run --model smollm-135m --draft-layers 24 --prompt 16 --output 64
run --model smollm-135m --draft-layers 29 --draft-len 2 --prompt 16 --output 64
run --model smollm-135m --draft smollm-135m --prompt 16 --output 64
run --checkpoint "$FIXTURES/tiny-llama-gqa" --draft-layers 1 --prompt 12 --output 64
run --checkpoint "$FIXTURES/tiny-llama-gqa" --draft-layers 2 --draft-len 3 --prompt 12 --output 64
