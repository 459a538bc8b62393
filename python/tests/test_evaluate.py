import json

import numpy
import pytest

import llmdse

DESIGNS = [
    {"model": "llama-3-8b", "hardware": "h100-sxm"},
    {"model": "llama-3-8b", "hardware": "h100-sxm", "batch": 8, "prompt": 2048, "output": 256, "weights": "int4:g128"},
    {"model": "qwen2.5-7b", "hardware": "h100-sxm", "tp": 2, "runtime": "vllm", "hardware.memory_bandwidth": 4000,
     "model.layers": 16, "runtime.gemm_efficiency": 0.5},
    {"model": "llama-3-8b", "hardware": "template-systolic", "hardware.cores": 8},
    {"model": "llama-3-8b", "hardware": "h100-sxm", "spec": "draft", "spec.draft_model": "llama-3.2-1b",
     "spec.acceptance": [0.8, 0.7, 0.6], "reasoning": 1024},
]


def same_json(a, b, path="record"):
    """Equal values and types (an int in the CLI's JSON is an int here too)."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        assert list(sorted(a)) == list(sorted(b)), f"{path}: keys differ: {set(a) ^ set(b)}"
        for k in a:
            same_json(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b)):
            same_json(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


@pytest.mark.parametrize("design", DESIGNS)
def test_evaluate_equals_the_command_lines_json(cli, tmp_path, design):
    f = tmp_path / "design.json"
    f.write_text(json.dumps(design))
    expected = cli.json("evaluate", "--design", f, "--format", "json")
    same_json(llmdse.evaluate(design), expected)
    # A design file gives the same record.
    same_json(llmdse.evaluate(str(f)), expected)


def test_evaluate_of_the_example_design_file(cli, source_dir):
    f = source_dir / "examples" / "design-optimizations.json"
    same_json(llmdse.evaluate(f), cli.json("evaluate", "--design", f, "--format", "json"))


def test_evaluate_with_the_simulation_estimator(cli, tmp_path):
    design = {"model": "llama-3-8b", "hardware": "template-systolic", "batch": 4}
    f = tmp_path / "design.json"
    f.write_text(json.dumps(design))
    expected = cli.json("evaluate", "--design", f, "--estimator", "simulation", "--sim-cache", "none", "--format", "json")
    same_json(llmdse.evaluate(design, "simulation"), expected)


def test_evaluate_without_ops_is_the_record_less_its_ops():
    design = DESIGNS[1]
    full = llmdse.evaluate(design)
    lean = llmdse.evaluate(design, ops=False)
    assert len(full["ops"]) > 10
    del full["ops"]
    same_json(lean, full)


def test_evaluate_takes_numpy_values():
    plain = llmdse.evaluate({"model": "llama-3-8b", "hardware": "h100-sxm", "batch": 8, "hardware.tdp_w": 650.0})
    numpy_values = llmdse.evaluate({"model": "llama-3-8b", "hardware": "h100-sxm", "batch": numpy.int64(8),
                                    "hardware.tdp_w": numpy.float32(650.0)})
    assert numpy_values == plain


@pytest.mark.parametrize("design, options", [
    ({"model": "llama-3-8b", "hardware": "h100-sxm", "batch": 0}, ["--batch", "0"]),
    ({"model": "llama-3-8b", "hardware": "h100-sxm", "batch": 2.5}, ["--batch", "2.5"]),
    ({"model": "nope", "hardware": "h100-sxm"}, ["--model", "nope"]),
    ({"model": "llama-3-8b", "hardware": "h100-sxm", "foo": 1}, ["--set", "foo=1"]),
    ({"model": "llama-3-8b", "hardware": "h100-sxm", "tp": 64}, ["--tp", "64"]),
    ({"model": "llama-3-8b", "hardware": "h100-sxm", "hardware.cores": 4}, ["--set", "hardware.cores=4"]),
])
def test_errors_raise_value_error_with_the_command_lines_message(cli, design, options):
    args = ["evaluate", "--model", "llama-3-8b", "--hardware", "h100-sxm", *options]
    with pytest.raises(ValueError) as e:
        llmdse.evaluate(design)
    assert str(e.value) == cli.error(*args)


def test_errors_in_a_design_file_name_the_file_and_field(cli, tmp_path):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"model": "llama-3-8b", "hardware": "h100-sxm", "weights": "int3"}))
    with pytest.raises(ValueError) as e:
        llmdse.evaluate(f)
    assert str(e.value) == cli.error("evaluate", "--design", f)
    assert str(f) in str(e.value) and "field 'weights'" in str(e.value)


def test_type_errors_name_the_field():
    with pytest.raises(ValueError, match="field 'batch': must be a number"):
        llmdse.evaluate({"model": "llama-3-8b", "hardware": "h100-sxm", "batch": "eight"})
    with pytest.raises(ValueError, match="field 'batch': unsupported Python type 'object'"):
        llmdse.evaluate({"model": "llama-3-8b", "hardware": "h100-sxm", "batch": object()})
    with pytest.raises(ValueError, match="field 'model': missing required field"):
        llmdse.evaluate({"hardware": "h100-sxm"})
    with pytest.raises(ValueError, match="field 'estimator'"):
        llmdse.evaluate({"model": "llama-3-8b", "hardware": "h100-sxm"}, "magic")
    with pytest.raises(ValueError, match="field 'design': must be a dict or a file path, got 'int'"):
        llmdse.evaluate(42)


def test_a_list_that_contains_itself_is_refused():
    endless = []
    endless.append(endless)
    with pytest.raises(ValueError, match=r"field 'spec.acceptance(\[0\])+': nested more than 64 levels deep"):
        llmdse.evaluate({"model": "llama-3-8b", "hardware": "h100-sxm", "spec.acceptance": endless})
    endless_study = {}
    endless_study["base"] = endless_study
    with pytest.raises(ValueError, match="nested more than"):
        llmdse.sweep(endless_study)
