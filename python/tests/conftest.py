"""Shared fixtures: the command line built beside the module, to compare against."""
import json
import os
import subprocess
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("LLMDSE_SOURCE_DIR", Path(__file__).resolve().parents[2]))


def _binary():
    env = os.environ.get("LLMDSE_BINARY")
    return Path(env) if env else SOURCE_DIR / "build" / "bin" / "llmdse"


class Cli:
    """Runs `llmdse` and returns (exit code, stdout, stderr)."""

    def __init__(self, path):
        self.path = path

    def run(self, *args):
        p = subprocess.run([str(self.path), *map(str, args)], capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout, p.stderr

    def json(self, *args):
        rc, out, err = self.run(*args)
        assert rc == 0, err
        return json.loads(out)

    def error(self, *args):
        """The message of a command that must fail with exit 1, without the 'llmdse: error: ' prefix."""
        rc, _, err = self.run(*args)
        assert rc == 1, f"expected exit 1, got {rc}: {err}"
        prefix = "llmdse: error: "
        assert err.startswith(prefix), err
        return err[len(prefix):].strip()


@pytest.fixture(scope="session")
def cli():
    path = _binary()
    if not path.exists():
        pytest.fail(f"the llmdse executable is not built at {path} (set LLMDSE_BINARY)")
    return Cli(path)


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE_DIR
