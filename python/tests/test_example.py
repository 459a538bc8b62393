import subprocess
import sys

import pytest


def test_pareto_front_example_writes_its_plot(source_dir, tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    out = tmp_path / "front.png"
    p = subprocess.run([sys.executable, str(source_dir / "examples" / "pareto_front.py"), str(out)],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "on the Pareto front" in p.stdout
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
