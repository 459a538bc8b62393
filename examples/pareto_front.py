# %% [markdown]
# # Latency vs energy: the Pareto front of a design study
#
# A notebook-style script (cells marked `# %%`, as VS Code, Spyder and Jupytext read them).
# It sweeps Llama-3-8B decoding over three GPUs, batch sizes, weight formats and
# prompt lengths with the `llmdse` Python module, then plots every design that fits in
# memory and the Pareto front of time per output token against tokens per joule.
#
# Run it from the repository after building:
#     PYTHONPATH=build/python /usr/bin/python3 examples/pareto_front.py [out.png]

# %%
import sys
from pathlib import Path

try:
    import llmdse
except ImportError:  # run from a source checkout: use the module built beside it
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "build" / "python"))
    import llmdse

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt

# %% [markdown]
# ## The study
# The same keys as a study file for `llmdse sweep --study`.

# %%
study = {
    "description": "Llama-3-8B decode: GPU x batch x weights x prompt",
    "base": {"model": "llama-3-8b", "hardware": "h100-sxm", "output": 256},
    "grid": {
        "hardware": ["h100-sxm", "h200-sxm", "a100-80gb"],
        "batch": [1, 2, 4, 8, 16, 32, 64, 128, 256],
        "weights": ["fp16", "fp8", "int8", "int4:g128"],
        "prompt": [512, 2048, 8192],
    },
    "objectives": ["tpot_s", "-tokens_per_j"],
}

# %% [markdown]
# ## Sweep
# `pareto=True` adds a boolean column marking the front of the objectives among the
# designs that fit. With pandas installed the result is a DataFrame.

# %%
points = llmdse.sweep(study, pareto=True)
fits = points[(points["fits"] == 1) & (points["error"] == "")]
front = points[points["pareto"]].sort_values("tpot_s")
print(f"{len(points)} designs, {len(fits)} fit in memory, {len(front)} on the Pareto front")
print(front[["hardware", "batch", "weights", "prompt", "tpot_s", "tokens_per_j"]].to_string(index=False))

# %% [markdown]
# ## Plot

# %%
fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
for hardware, group in fits.groupby("hardware"):
    ax.scatter(group["tpot_s"] * 1e3, group["tokens_per_j"], s=10, alpha=0.5, label=hardware)
ax.plot(front["tpot_s"] * 1e3, front["tokens_per_j"], "k-o", markersize=4, label="Pareto front")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("time per output token (ms)")
ax.set_ylabel("tokens per joule")
ax.set_title("Llama-3-8B decode: latency vs energy efficiency")
ax.grid(True, which="both", alpha=0.3)
ax.legend()
fig.tight_layout()

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("pareto_front.png")
fig.savefig(out)
print(f"wrote {out}")
