import pytest

import llmdse


@pytest.fixture
def measurements(source_dir):
    return source_dir / "resources" / "validation" / "gpu-measurements-extra.json"


def test_validate_equals_the_command_lines_json(cli, measurements):
    result = llmdse.validate(measurements)
    assert result == cli.json("validate", "--data", measurements, "--format", "json")
    assert len(result["rows"]) > 0
    assert result["mape_percent"]["decode_latency"] > 0


def test_validate_defaults_to_the_bundled_measurements(cli):
    assert llmdse.validate() == cli.json("validate", "--format", "json")


def test_validate_with_a_runtime(cli, measurements):
    assert llmdse.validate(str(measurements), runtime="vllm") == cli.json(
        "validate", "--data", measurements, "--runtime", "vllm", "--format", "json")


def test_validate_errors_name_the_field(cli, measurements, tmp_path):
    with pytest.raises(ValueError) as e:
        llmdse.validate(measurements, runtime="nope")
    # The CLI names its option, Python its argument; the reason is the same.
    assert str(e.value) == cli.error("validate", "--data", measurements, "--runtime", "nope").replace("'--runtime'", "'runtime'")
    bad = tmp_path / "bad.json"
    bad.write_text('{"runs": [{"device": "h100-sxm"}]}')
    with pytest.raises(ValueError) as e:
        llmdse.validate(bad)
    assert str(e.value) == cli.error("validate", "--data", bad)
    assert "field 'runs[0]." in str(e.value)
