#!/usr/bin/env bash
# Reference engine vs PyTorch on the CPU and vs the memory-bandwidth roofline,
# side by side in one run. Installs Debian's python3-torch + OpenBLAS if missing.
# Usage: bash bench/engine_vs_torch.sh [model]   (qwen2.5-0.5b, llama-3.2-1b, qwen2.5-1.5b)
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL="${1:-qwen2.5-0.5b}"
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    python3-torch libopenblas-dev python3-numpy
fi
[ -x build/bin/bench_engine ] || bash scripts/setup.sh
OUT=$(mktemp -d)
build/bin/bench_engine "$MODEL" > "$OUT/engine.jsonl"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/torch_baseline.py "$MODEL" "$(nproc)" > "$OUT/torch.jsonl"
/usr/bin/python3 - "$OUT/engine.jsonl" "$OUT/torch.jsonl" <<'PY'
import json, sys
eng = [r for r in map(json.loads, open(sys.argv[1])) if "prefill_tokens_per_s" in r]  # not the per-op lines
tor = {(r["weights"], r["batch"]): r for r in map(json.loads, open(sys.argv[2]))}
print(f"model {eng[0]['model']}, prompt {eng[0]['prompt']}, measured bandwidth {eng[0]['bandwidth_gb_s']:.1f} GB/s; "
      f"baseline {next(iter(tor.values()))['engine']}")
print(f"{'weights':7} {'batch':>5} | {'prefill tok/s':>13} {'torch':>9} {'x':>6} | {'decode tok/s':>12} {'torch':>8} {'x':>6} "
      f"| {'roofline':>8} {'% of roofline':>13}")
for e in eng:
    t = tor[(e["weights"], e["batch"])]
    print(f"{e['weights']:7} {e['batch']:>5} | {e['prefill_tokens_per_s']:13.1f} {t['prefill_tokens_per_s']:9.1f} "
          f"{e['prefill_tokens_per_s'] / t['prefill_tokens_per_s']:6.2f} | {e['decode_tokens_per_s']:12.1f} "
          f"{t['decode_tokens_per_s']:8.1f} {e['decode_tokens_per_s'] / t['decode_tokens_per_s']:6.2f} | "
          f"{e['roofline_decode_tokens_per_s']:8.1f} {100 * e['decode_tokens_per_s'] / e['roofline_decode_tokens_per_s']:12.1f}%")
PY
rm -rf "$OUT"
