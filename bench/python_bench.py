#!/usr/bin/python3
"""The Python module's speed, side by side with the command line in one run.

* llmdse.evaluate in a Python loop: designs/s for the full record (what
  `evaluate --format json` prints, per-op breakdown included) and with ops=False;
  beside them, how fast CPython can merely build the full record's objects (marshal.loads).
* llmdse.sweep of bench/studies/grid-1m.json (1,048,576 points) into numpy arrays and
  into a pandas DataFrame, against `llmdse sweep` of the same study into .sqlite and .csv.

Every sample waits for an idle CPU first and is taken again when other processes used
the CPUs meanwhile (both read from /proc/stat; work at nice 19 yields and is only
reported); figures are medians.
Usage: /usr/bin/python3 bench/python_bench.py [--build build] [--runs 5] [--threads 2]
"""
import argparse
import itertools
import marshal
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


TICK = os.sysconf("SC_CLK_TCK")


def cpu_times():
    """(idle, niced, total) CPU seconds of the whole machine, all CPUs (steal counts as busy)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (fields[3] + fields[4]) / TICK, fields[1] / TICK, sum(fields[:8]) / TICK


def own_cpu():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def wait_for_idle(threshold=0.9, window=0.5, give_up=30.0):
    """Waits until the CPUs were at least `threshold` idle over `window` seconds. Work at nice 19
    (fuzzers, batch jobs) counts as idle: it yields to the benchmark; it is reported beside the figures."""
    start = time.monotonic()
    while True:
        i0, n0, t0 = cpu_times()
        time.sleep(window)
        i1, n1, t1 = cpu_times()
        if (i1 - i0 + n1 - n0) / max(t1 - t0, 1e-9) >= threshold or time.monotonic() - start > give_up:
            return


def spin(seconds=0.3):
    """Busy for a moment: after the idle wait the CPU is clocked down (a loop over many designs runs warm)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def quiet_sample(sample, retries=3, others_limit=0.1):
    """A sample taken while nothing else ran: after an idle CPU, and taken again (up to `retries`
    times) when other processes used more than `others_limit` of a CPU during it (the machine is shared).
    Returns (value, discarded samples, niced CPUs busy during the sample)."""
    for attempt in range(retries + 1):
        wait_for_idle()
        spin()
        i0, n0, t0 = cpu_times()
        c0, w0 = own_cpu(), time.monotonic()
        value = sample()
        i1, n1, t1 = cpu_times()
        c1, w1 = own_cpu(), time.monotonic()
        niced = (n1 - n0) / (w1 - w0)
        others = ((t1 - t0) - (i1 - i0) - (c1 - c0)) / (w1 - w0) - niced
        if others <= others_limit:
            return value, attempt, niced
    return value, retries + 1, niced


def median_of(runs, sample):
    values, discarded, niced = [], 0, 0.0
    for _ in range(runs):
        value, d, n = quiet_sample(sample)
        values.append(value)
        discarded += d
        niced = max(niced, n)
    return statistics.median(values), min(values), max(values), discarded, niced


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--evaluations", type=int, default=30000)
    ap.add_argument("--only", choices=["evaluate", "sweep"], help="run one half")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(args.build) / "python"))
    import llmdse

    cli = Path(args.build) / "bin" / "llmdse"
    study = ROOT / "bench" / "studies" / "grid-1m.json"

    # Designs that differ in hardware, workload and precision, cycled so consecutive calls differ.
    designs = [{"model": "llama-3-8b", "hardware": hw, "batch": b, "prompt": p, "output": 256, "weights": w}
               for hw, b, p, w in itertools.product(["h100-sxm", "h200-sxm", "a100-80gb"], [1, 8, 32, 128],
                                                    [512, 4096], ["fp16", "int4:g128"])]

    def evaluate_loop(ops):
        def sample():
            evaluate = llmdse.evaluate
            n = args.evaluations
            cycle = itertools.islice(itertools.cycle(designs), n)
            t = time.perf_counter()
            for d in cycle:
                evaluate(d, ops=ops)
            return n / (time.perf_counter() - t)
        return sample

    def unmarshal_floor():
        # CPython's fastest way to build the same objects: what the full record costs before any estimating.
        record = marshal.dumps(llmdse.evaluate(designs[0]))
        def sample():
            n = args.evaluations
            t = time.perf_counter()
            for _ in range(n):
                marshal.loads(record)
            return n / (time.perf_counter() - t)
        return sample

    def python_sweep(as_frame):
        def sample():
            t = time.perf_counter()
            result = llmdse.sweep(str(study), threads=args.threads, as_frame=as_frame)
            elapsed = time.perf_counter() - t
            assert len(result["index"]) == 1 << 20
            del result
            return elapsed
        return sample

    def cli_sweep(extension):
        def sample():
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / ("points" + extension)
                t = time.perf_counter()
                subprocess.run([str(cli), "sweep", "--study", str(study), "--out", str(out), "--threads",
                                str(args.threads), "--quiet"], check=True, stderr=subprocess.DEVNULL)
                return time.perf_counter() - t
        return sample

    print(f"llmdse {llmdse.__version__}, {os.cpu_count()} CPUs, sweeps on {args.threads} threads, "
          f"median of {args.runs} runs, each on an otherwise idle machine")
    llmdse.evaluate(designs[0])  # load the bundled presets once, outside the timings
    rows = []
    evaluations = [("evaluate, full record (designs/s)", evaluate_loop(True)),
                   ("evaluate, ops=False (designs/s)", evaluate_loop(False)),
                   ("marshal.loads of a full record, no estimate (records/s)", unmarshal_floor())]
    for label, sample in evaluations if args.only != "sweep" else []:
        value, low, high, discarded, niced = median_of(args.runs, sample)
        rows.append((label, f"{value:,.0f}", f"{low:,.0f} .. {high:,.0f}", discarded, niced))
    sweeps = {}
    sweep_samples = [("sweep 1,048,576 points -> numpy dict (s)", python_sweep(False)),
                     ("sweep 1,048,576 points -> pandas DataFrame (s)", python_sweep(True)),
                     ("llmdse sweep CLI -> .sqlite (s)", cli_sweep(".sqlite")),
                     ("llmdse sweep CLI -> .csv (s)", cli_sweep(".csv"))]
    for label, sample in sweep_samples if args.only != "evaluate" else []:
        value, low, high, discarded, niced = median_of(args.runs, sample)
        sweeps[label] = value
        rows.append((label, f"{value:.2f}", f"{low:.2f} .. {high:.2f}", discarded, niced))
    width = max(len(r[0]) for r in rows)
    print(f"  {'':<{width}}  {'median':>10}   {'range':>18}")
    for label, value, spread, discarded, niced in rows:
        print(f"  {label:<{width}}  {value:>10}   {spread:>18}   ({discarded} retaken for other load; "
              f"nice-19 load up to {niced:.1f} CPU)")
    if not sweeps:
        return
    numpy_s = sweeps["sweep 1,048,576 points -> numpy dict (s)"]
    print(f"  numpy sweep vs CLI: {sweeps['llmdse sweep CLI -> .sqlite (s)'] / numpy_s:.1f}x faster than to .sqlite, "
          f"{sweeps['llmdse sweep CLI -> .csv (s)'] / numpy_s:.1f}x faster than to .csv")


if __name__ == "__main__":
    main()
