#!/usr/bin/env bash
# `llmdse check` over the 0.1B-1.5B zoo models at two prompt lengths (fp32), plus int8/int4 on one
# model, as a Markdown table of predicted vs measured per phase. Each run is predicted from the
# host measured just before it (check's default). Usage: bash bench/check_matrix.sh [build/bin/llmdse]
set -euo pipefail
LLMDSE="${1:-build/bin/llmdse}"
echo "| model | weights | prompt | prefill predicted / measured | error | decode step predicted / measured | error |"
echo "|---|---|---|---|---|---|---|"
row() {
  "$LLMDSE" check --model "$1" --weights "$2" --prompt "$3" --output 16 --repeat 5 --format json 2>/dev/null |
    python3 -c '
import json, sys
d = json.load(sys.stdin); p, s = d["prefill"], d["decode_step"]
ms = lambda x: "%.1f" % (x * 1e3)
print("| %s | %s | %s | %s / %s ms | %+.1f%% | %s / %s ms | %+.1f%% |" % (d["model"], d["weights"], sys.argv[1],
      ms(p["predicted_s"]), ms(p["measured_s"]), p["error_percent"],
      ms(s["predicted_s"]), ms(s["measured_s"]), s["error_percent"]))' "$3"
}
for prompt in 128 16; do
  for m in smollm-135m qwen2.5-0.5b llama-3.2-1b qwen2.5-1.5b; do row "$m" fp32 "$prompt"; done
done
for w in int8 int4 int4:g32; do row qwen2.5-0.5b "$w" 64; done
