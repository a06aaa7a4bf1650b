"""No file of solutions/ reaches a built wheel or sdist."""
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"building the wheel and sdist failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return out


def _reference_function_bodies() -> list[str]:
    """A distinctive line from each reference module, to catch copies under other names too."""
    lines = []
    for module in sorted((ROOT / "solutions").glob("a*.py")):
        body = [l.strip() for l in module.read_text().splitlines() if l.strip().startswith("return ")]
        lines.extend(body[:3])
    return [l for l in lines if len(l) > 25]


def test_wheel_holds_the_engine_and_no_solutions(dist):
    wheel = next(dist.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("autograder/engine.py") for n in names)
    assert not [n for n in names if n.startswith("solutions/") or "/solutions/" in n]
    assert not [n for n in names if n.startswith("tests/")]
    text = "\n".join(zipfile.ZipFile(wheel).read(n).decode("utf-8", "replace") for n in names if n.endswith(".py"))
    for line in _reference_function_bodies():
        assert line not in text, f"reference code leaked into the wheel: {line}"


def test_sdist_holds_no_solutions_and_no_test_corpora(dist):
    sdist = next(dist.glob("*.tar.gz"))
    names = tarfile.open(sdist).getnames()
    assert any(n.endswith("autograder/engine.py") for n in names)
    assert not [n for n in names if "/solutions/" in n or n.endswith("/solutions")]
    assert not [n for n in names if "/tests/" in n]
