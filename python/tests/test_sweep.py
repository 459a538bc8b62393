import csv
import json
import math
import subprocess
import sys

import numpy
import pytest

import llmdse

# Text and numeric axes, random ranges, points that are invalid (tp over the heads), that do not
# fit, and template hardware.
STUDY = {
    "base": {"model": "llama-3-8b", "hardware": "h100-sxm"},
    "grid": {"tp": [1, 3, 64], "weights": ["fp16", "int4:g128"], "hardware": ["h100-sxm", "template-systolic"],
             "fused_attention": [True, False]},
    "random": {"samples": 3, "seed": 7, "ranges": {"batch": {"min": 1, "max": 256, "log": True}, "prompt": [128, 32768]}},
    "objectives": ["tpot_s", "-tokens_per_j"],
}


def cli_sweep(cli, tmp_path, study, *extra):
    f = tmp_path / "study.json"
    f.write_text(json.dumps(study))
    out = tmp_path / "points.csv"
    rc, _, err = cli.run("sweep", "--study", f, "--out", out, "--quiet", *extra)
    assert rc == 0, err
    with open(out, newline="") as fh:
        rows = list(csv.reader(fh))
    return f, out, rows[0], rows[1:]


def assert_columns_equal_csv(columns, header, rows):
    assert list(columns) == header
    n = len(rows)
    for c, name in enumerate(header):
        values = columns[name]
        assert len(values) == n, name
        for r in range(n):
            cell = rows[r][c]
            v = values[r]
            if values.dtype == object:
                assert v == cell, (name, r)
            elif cell == "":
                assert math.isnan(v), (name, r)
            else:
                assert v == float(cell), (name, r, v, cell)


def test_sweep_columns_equal_the_command_lines_csv(cli, tmp_path):
    _, _, header, rows = cli_sweep(cli, tmp_path, STUDY)
    columns = llmdse.sweep(STUDY, as_frame=False)
    assert all(isinstance(v, numpy.ndarray) for v in columns.values())
    assert columns["index"].dtype == numpy.int64 and columns["tpot_s"].dtype == numpy.float64
    assert columns["tp"].dtype == numpy.int64 and columns["batch"].dtype == numpy.int64
    assert columns["fused_attention"].dtype == bool and columns["hardware"].dtype == object
    assert_columns_equal_csv(columns, header, rows)
    assert any(e for e in columns["error"]) and any(not e for e in columns["error"])
    assert (columns["fits"] == 0).any()


def test_sweep_of_a_study_file_and_on_one_thread(cli, tmp_path, source_dir):
    study = source_dir / "examples" / "study-small.json"
    out = tmp_path / "small.csv"
    rc, _, err = cli.run("sweep", "--study", study, "--out", out, "--quiet")
    assert rc == 0, err
    with open(out, newline="") as fh:
        rows = list(csv.reader(fh))
    assert_columns_equal_csv(llmdse.sweep(study, threads=1, as_frame=False), rows[0], rows[1:])
    assert_columns_equal_csv(llmdse.sweep(str(study), as_frame=False), rows[0], rows[1:])


def test_pareto_column_marks_the_command_lines_front(cli, tmp_path):
    _, out, _, _ = cli_sweep(cli, tmp_path, STUDY, "--pareto")
    with open(out.with_name("points.pareto.csv"), newline="") as fh:
        front = {int(r[0]) for r in list(csv.reader(fh))[1:]}
    columns = llmdse.sweep(STUDY, pareto=True, as_frame=False)
    assert set(columns["index"][columns["pareto"]]) == front
    assert len(front) > 1


def test_sweep_gives_a_data_frame_when_pandas_imports():
    pandas = pytest.importorskip("pandas")
    frame = llmdse.sweep(STUDY)
    assert isinstance(frame, pandas.DataFrame)
    columns = llmdse.sweep(STUDY, as_frame=False)
    assert list(frame.columns) == list(columns)
    for name, values in columns.items():
        if values.dtype == object:
            assert frame[name].tolist() == values.tolist()
        else:
            numpy.testing.assert_array_equal(frame[name].to_numpy(), values)


def test_study_errors_raise_value_error_like_the_command_line(cli, tmp_path):
    bad = dict(STUDY, grid={"batch": [1, 0]})
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(bad))
    with pytest.raises(ValueError) as e:
        llmdse.sweep(f)
    assert str(e.value) == cli.error("sweep", "--study", f, "--out", tmp_path / "x.csv")
    with pytest.raises(ValueError, match="field 'grid.batch"):
        llmdse.sweep(bad)
    with pytest.raises(ValueError, match="field 'colour': unknown study key"):
        llmdse.sweep(dict(STUDY, colour="red"))
    with pytest.raises(ValueError, match="field 'objectives'"):
        llmdse.sweep({"base": STUDY["base"], "grid": {"batch": [1, 2]}}, pareto=True)
    with pytest.raises(ValueError, match="field 'threads'"):
        llmdse.sweep(STUDY, threads=-1)
    with pytest.raises(ValueError, match="field 'study': must be a dict or a file path, got 'list'"):
        llmdse.sweep([STUDY])


def test_ctrl_c_cancels_a_sweep(source_dir):
    # SIGINT while the sweep runs without the GIL: KeyboardInterrupt, as for any Python call.
    script = f"""
import os, signal, threading, llmdse
threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
try:
    llmdse.sweep({str(source_dir / "bench" / "studies" / "grid-1m.json")!r}, as_frame=False)
except KeyboardInterrupt:
    print("interrupted")
"""
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "interrupted"


def test_a_study_too_large_for_memory_is_refused():
    # The columns hold every point; 2e9 points need about 300 GB of arrays.
    study = {"base": {"model": "llama-3-8b", "hardware": "h100-sxm"},
             "random": {"samples": 2_000_000_000, "seed": 1, "ranges": {"batch": [1, 64]}}}
    with open("/proc/meminfo") as f:
        available_kib = next(int(line.split()[1]) for line in f if line.startswith("MemAvailable:"))
    if available_kib > 400 * 1024 * 1024:
        pytest.skip("this machine could hold the arrays")
    with pytest.raises(ValueError, match="field 'random.samples': 2000000000 points need .* GB as arrays"):
        llmdse.sweep(study, as_frame=False)
