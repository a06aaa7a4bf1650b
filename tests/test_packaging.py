"""What the built package holds: no file of solutions/, and no code that computes a graded function.

The wheel is what an instructor installs, and in a normal install the sandboxed child could import
it: nothing in it may hand a student a working corr2d, conv2d_backward, numerical_gradient or
output-size formula. Looking for lines of the reference is not enough (a working implementation
need not look like the reference), so tests/wheel_probe.py imports every module of the built
wheel in a fresh process and calls everything it defines with the sample cases below; any result
equal to the reference's answer on all of a graded function's samples fails the test.
"""
import inspect
import json
import pickle
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from autograder.course import STUDENT_API
from autograder.registry import graded as graded_entry
from autograder.testfunctions import FunctionSpec
from course_helpers import load_solution
from wheel_probe import SPEC, scalar_function

pytestmark = pytest.mark.slow  # builds the sdist and the wheel, then probes the wheel

ROOT = Path(__file__).resolve().parents[1]
PROBE = Path(__file__).with_name("wheel_probe.py")


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
        body = [s.strip() for s in module.read_text().splitlines() if s.strip().startswith("return ")]
        lines.extend(body[:3])
    return [line for line in lines if len(line) > 25]


def test_wheel_holds_the_engine_and_no_solutions(dist):
    wheel = next(dist.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("autograder/engine.py") for n in names)
    assert "autograder/py.typed" in names  # PEP 561: type checkers read the installed package's hints
    assert "autograder/templates/named_tests.html.j2" in names  # the feedback page GenerateFeedback uses
    assert not [n for n in names if n.startswith("solutions/") or "/solutions/" in n]
    assert not [n for n in names if n.startswith("tests/")]
    text = "\n".join(zipfile.ZipFile(wheel).read(n).decode("utf-8", "replace") for n in names if n.endswith(".py"))
    for line in _reference_function_bodies():
        assert line not in text, f"reference code leaked into the wheel: {line}"


def test_sdist_holds_no_solutions_and_no_test_corpora(dist):
    sdist = next(dist.glob("*.tar.gz"))
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
    assert any(n.endswith("autograder/engine.py") for n in names)
    assert not [n for n in names if "/solutions/" in n or n.endswith("/solutions")]
    assert not [n for n in names if "/tests/" in n]


# ----------------------------------------------------------------------------- behaviour

def sample_cases() -> dict:
    """Two or three cases per graded function, (args, kwargs, the reference's answer, all
    arguments positionally): the lecture's (or a textbook) example and random ones with every
    setting away from its default. A function f is passed as (SPEC, name, params): the probe hands it
    over as a closure and as the package's FunctionSpec."""
    rng = np.random.default_rng(20251126)

    def floats(*shape):
        return np.round(rng.uniform(-2, 2, size=shape), 2)

    def sines(shape):
        params = {"a": floats(*shape), "k": rng.uniform(0.5, 2, size=shape),
                  "phi": rng.uniform(0, 6, size=shape)}
        return SPEC, "sines", params

    lecture_x = np.arange(9.0).reshape(3, 3)
    lecture_w = np.array([[0.0, 1.0], [2.0, 3.0]])
    f1, f2 = sines((3, 4)), sines((5,))
    x1, x2 = floats(3, 4), floats(5)
    inputs: dict[str, list] = {
        # sizes: three cases, so that no wrong formula agrees with the right one on all of them
        "conv_output_length": [((28, 3), {}),
                               ((37, 4), dict(padding=2, stride=3, dilation=2)),
                               ((36, 3), dict(padding=1, stride=2, dilation=3))],
        "conv_output_shape": [(((28, 28), (3, 3)), {}),
                              (((15, 9), (4, 2)), dict(padding=(1, 2), stride=(2, 1), dilation=(1, 2))),
                              (((36, 37, 8), (3, 4, 2)), dict(padding=1, stride=(2, 3, 1), dilation=(3, 2, 1)))],
        "corr1d": [((np.arange(5.0), np.array([1.0, 0.0, -1.0])), {}), ((floats(9), floats(4)), {})],
        "corr2d": [((lecture_x, lecture_w), {}), ((floats(5, 7), floats(3, 2)), {})],
        "corr3d": [((floats(3, 4, 5), floats(2, 3, 2)), {}), ((floats(4, 3, 6), floats(3, 2, 4)), {})],
        "convolve1d": [((np.array([1.0, 2, 3, 4]), np.array([0.0, 1, 0.5])), {}),
                       ((floats(8), floats(3)), {})],
        "convolve2d": [((lecture_x, lecture_w), {}), ((floats(6, 5), floats(2, 3)), {})],
        "corr2d_multi_in": [((floats(2, 3, 3), floats(2, 2, 2)), {}),
                            ((floats(3, 5, 6), floats(3, 2, 3)), {})],
        "corr2d_multi_in_out": [((floats(2, 3, 3), floats(3, 2, 2, 2)), {}),
                                ((floats(3, 5, 6), floats(4, 3, 2, 3)), {})],
        "conv2d_forward": [((floats(1, 2, 4, 4), floats(3, 2, 2, 2), floats(3)), {}),
                           ((floats(2, 3, 7, 6), floats(4, 3, 3, 2), floats(4)),
                            dict(stride=2, padding=1))],
        "corr1d_backward": [((np.array([1.0, 2, 3, 4]), np.array([1.0, 0, -1]),
                              np.array([1.0, 2])), {}),
                            ((floats(9), floats(4), floats(6)), {})],
        "conv2d_backward": [((floats(1, 2, 4, 4), floats(3, 2, 2, 2), floats(3), floats(1, 3, 3, 3)),
                             {}),
                            ((floats(2, 3, 7, 6), floats(4, 3, 3, 2), floats(4), floats(2, 4, 4, 4)),
                             dict(stride=2, padding=1))],
        "numerical_gradient": [((f1, x1), {}), ((f2, x2, 1e-4), {})],
        "im2col": [((floats(1, 2, 4, 5), 2, 3), {}),
                   ((floats(2, 3, 7, 6), 3, 2), dict(stride=2, padding=1))],
        "conv2d_matmul": [((floats(1, 2, 4, 4), floats(3, 2, 2, 2), floats(3)), {}),
                          ((floats(2, 3, 7, 6), floats(4, 3, 3, 2), floats(4)),
                           dict(stride=2, padding=1))],
        "conv_matrix": [((lecture_w, (3, 3)), {}), ((floats(2, 3), (5, 6)), {})],
    }
    for function in (f for fs in STUDENT_API.values() for f in fs):
        if function not in inputs:  # a new graded function: its entry's first two value cases
            drawn = graded_entry(function).cases(np.random.default_rng(20251126), 2)
            inputs[function] = [(c.args, c.kwargs) for c in drawn if not c.expect_error][:2]
        assert not any(isinstance(a, FunctionSpec) for args, _ in inputs[function] for a in args), \
            f"{function}: write its FunctionSpec samples by hand, as (SPEC, name, params)"
    cases: dict[str, list] = {}
    for assignment, graded in STUDENT_API.items():
        reference = load_solution(assignment, prefix="packaging")
        for function in graded:
            cases[function] = []
            for args, kwargs in inputs[function]:
                live = tuple(scalar_function(a[2]) if isinstance(a, tuple) and a[0] == SPEC
                             else a for a in args)
                fn = getattr(reference, function)
                answer = fn(*live, **kwargs)
                if isinstance(answer, tuple) and isinstance(answer[0], np.ndarray):
                    answer = tuple(np.asarray(a, dtype=float) for a in answer)
                # the same call with every argument positional, defaults filled in: a helper
                # may name its parameters p, s, d instead of padding, stride, dilation
                bound = inspect.signature(fn).bind(*args, **kwargs)
                bound.apply_defaults()
                cases[function].append((args, kwargs, answer, tuple(bound.arguments.values())))
    assert cases["corr2d"][0][2].tolist() == [[19, 25], [37, 43]]
    return cases


def run_probe(package_dir: Path, folder: Path) -> dict:
    """tests/wheel_probe.py on package_dir in a fresh, isolated interpreter (no source tree on
    its path, an empty working folder and home, none of our environment)."""
    cases_file, result_file, cwd = folder / "cases.pkl", folder / "result.json", folder / "cwd"
    cases_file.write_bytes(pickle.dumps(sample_cases()))
    cwd.mkdir()
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(cwd),
           "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "LANG": "C.UTF-8"}
    done = subprocess.run([sys.executable, "-I", str(PROBE), str(package_dir), str(cases_file),
                           str(result_file)], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=900)
    assert result_file.exists(), f"the probe died ({done.returncode}):\n{done.stderr[-3000:]}"
    result = json.loads(result_file.read_text())
    assert "crashed" not in result, result
    return result


def test_nothing_in_the_wheel_computes_a_graded_function(dist, tmp_path):
    unpacked = tmp_path / "wheel"
    zipfile.ZipFile(next(dist.glob("*.whl"))).extractall(unpacked)
    result = run_probe(unpacked, tmp_path)
    modules = {".".join(p.relative_to(unpacked).with_suffix("").parts).removesuffix(".__init__")
               for p in unpacked.rglob("*.py")}
    assert result["import_errors"] == {}
    assert set(result["imported"]) == modules
    # it really reached into the package: module functions, mistake variants, methods, closures
    names = set(result["target_names"])
    for expected in ("autograder.diagnose.find", "autograder.registry.a3_multichannel.<lambda>",
                     "autograder.registry.a4_backprop._conv2d_backward_assign",
                     "autograder.testfunctions.make_function", "autograder.course.Course",
                     "autograder.checks.build_checks"):
        assert expected in names, f"the probe never reached {expected}"
    assert result["calls"] > 1000
    assert result["offenders"] == [], "\n".join(result["offenders"])


FAKE = '''
import numpy as np

def _tidy(x, w):  # a working corr2d under an innocent name
    x, w = np.asarray(x, float), np.asarray(w, float)
    v = np.lib.stride_tricks.sliding_window_view(x, w.shape)
    return np.einsum("ijpq,pq->ij", v, w)

def _loop(f, x, h=1e-5, scheme="forward"):  # numerical_gradient, when the flag says "central"
    x = np.asarray(x, float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h) if scheme == "central" else (f(x + e) - f(x)) / h
    return g

def _factory():  # a closure that only a call hands out
    def length(n, k, padding=0, stride=1, dilation=1):
        return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    return length

TABLE = {"sizes": [_factory], "rows": (lambda r, x, w: _tidy(x, w[:, ::-1][:, ::-1]),)}

class Layer:
    def backward(self, x, w, dy):  # corr1d_backward as a method
        x, w, dy = (np.asarray(a, float) for a in (x, w, dy))
        dw = np.lib.stride_tricks.sliding_window_view(x, len(w)).T @ dy
        dx = np.convolve(dy, w)
        return dx, dw

def innocent(x, w):
    return np.zeros((2, 2)) + 19.0  # right on no case
'''


def test_the_probe_finds_working_code_wherever_it_hides(tmp_path):
    package = tmp_path / "pkg"
    (package / "fakepkg").mkdir(parents=True)
    (package / "fakepkg" / "__init__.py").write_text(FAKE)
    result = run_probe(package, tmp_path)
    found = "\n".join(result["offenders"])
    assert "fakepkg._tidy computes corr2d (plain)" in found
    assert "fakepkg._loop computes numerical_gradient (plain, scheme='central')" in found
    assert "fakepkg._loop computes numerical_gradient (FunctionSpec" not in found  # no such class
    assert "fakepkg._factory.<locals>.length computes conv_output_length (plain)" in found
    assert "fakepkg.<lambda> computes corr2d (plain, None first)" in found
    assert "fakepkg.Layer.backward computes corr1d_backward (plain, None first)" in found
    assert "innocent" not in found
