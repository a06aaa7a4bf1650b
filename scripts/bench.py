"""`make bench`: what grading costs, measured side by side in one run on this machine.

Prints one table:
  0. one whole `python -m autograder grade` process per assignment on a complete submission (the
     notebook filled with the reference), with a sandbox child started ahead of time
     (sandbox.warm_children) and without (AUTOGRADER_NO_SPARES=1);
  1. wall time to grade the reference solution of each assignment (and all of them together);
  2. the grader's overhead per test: the same calls made in-process versus through the sandboxed
     child (start-up included), and bubblewrap versus the unprotected child;
  3. the cost of the gradient check for the big conv2d_backward case, in forward calls, versus
     full element-wise central differences;
  4. a5's point, measured: the convolution layer as one matrix product (the reference's
     conv2d_matmul) against a loop over output pixels and an einsum over sliding windows.
Then a second table (BENCH_CLASS=0 skips it; about 5 minutes, 277 s on a busy 2-core machine):
  5. a class of BENCH_CLASS_SIZE (default 12) demo-style a2 submissions graded four ways, one
     after another in this run: plain `nbgrader autograde` (nbgrader's defaults, no course
     plugin: plain kernel, no sandbox, no trusted scores), the course's `nbgrader autograde`, and
     `python -m autograder autograde` on 1 and 2 local Dask workers; wall time per submission and
     the ratio to plain nbgrader.
No numbers are asserted: this machine is shared and noisy. Rerun it and compare ratios.
"""
from __future__ import annotations

import contextlib
import functools
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.checks import build_checks, derive_seed  # noqa: E402
from autograder.course import load_course  # noqa: E402
from autograder.engine import grade_reference  # noqa: E402
from autograder.reference import load_reference  # noqa: E402
from autograder.sandbox import run_submission  # noqa: E402
from autograder.submission import read_submission  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def timed(fn, repeats=REPEATS):
    """Median wall time of `repeats` runs, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def grading_times(course):
    rows = []
    total = 0.0
    for assignment in course.assignments:
        seconds, report = timed(functools.partial(grade_reference, course, assignment.id))
        checks = sum(len(t.checks) for t in report.tests)
        rows.append((assignment.id, seconds, checks, report.percent))
        total += seconds
    return rows, total


def filled_notebooks(course, folder: Path) -> dict[str, Path]:
    """Each assignment's notebook filled with the reference: a complete student submission."""
    import nbformat

    from autograder.notebook_fill import fill_solution_cells, reference_sources

    paths = {}
    for assignment in course.assignments:
        nb = nbformat.read(ROOT / assignment.notebook, as_version=4)
        nb = fill_solution_cells(nb, reference_sources(course.solutions_dir, assignment.id))
        paths[assignment.id] = folder / f"{assignment.id}.ipynb"
        nbformat.write(nb, paths[assignment.id])
    return paths


def cli_seconds(assignment_id: str, notebook: Path, spares: bool) -> float:
    """Wall time of one whole `python -m autograder grade NOTEBOOK` process (start-up, imports,
    sandbox and report included), with or without a child started ahead of time."""
    env = dict(os.environ)
    env.pop("AUTOGRADER_NO_SPARES", None)
    if not spares:
        env["AUTOGRADER_NO_SPARES"] = "1"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "grade", str(notebook), "--assignment",
                    assignment_id, "--student", "bench"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    return time.perf_counter() - start


def cli_times(course):
    """Per assignment: (id, median seconds with spares, without), measured alternately."""
    import tempfile

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        notebooks = filled_notebooks(course, Path(folder))
        for assignment_id, notebook in notebooks.items():
            cli_seconds(assignment_id, notebook, True)  # a machine's first run builds the font list
            warm, cold = [], []
            for _ in range(REPEATS):
                warm.append(cli_seconds(assignment_id, notebook, True))
                cold.append(cli_seconds(assignment_id, notebook, False))
            rows.append((assignment_id, statistics.median(warm), statistics.median(cold)))
    return rows


@contextlib.contextmanager
def bubblewrap_switched_off():
    from autograder import isolation

    os.environ["AUTOGRADER_NO_BWRAP"] = "1"
    isolation.probe.cache_clear()
    try:
        yield
    finally:
        os.environ.pop("AUTOGRADER_NO_BWRAP", None)
        isolation.probe.cache_clear()


def in_process_vs_sandbox(course, assignment_id, allow_unprotected_course):
    """Per-call cost of the sandbox over calling the reference directly in this process."""
    reference = load_reference(course, assignment_id)
    assignment = course.assignment(assignment_id)
    checks = [
        c
        for f in assignment.functions
        for c in build_checks(assignment_id, f, reference, derive_seed(None, "bench", assignment_id, f), course.grading)
    ]
    calls = [c.call for c in checks]
    submission = read_submission(course.solutions_dir / f"{assignment_id}.py")

    def direct():
        from autograder.testfunctions import FunctionSpec, make_function

        def live(value):
            if isinstance(value, FunctionSpec):
                return make_function(value)
            return value

        for call in calls:
            try:
                getattr(reference, call.function)(*[live(a) for a in call.args], **call.kwargs)
            except Exception:  # ValueError cases are part of the checks
                pass

    def sandboxed(unprotected: bool):
        return lambda: run_submission(
            submission.chunks, calls, course.grading.limits, allow_unprotected=unprotected
        )

    direct_s, _ = timed(direct)
    sandbox_s, run = timed(sandboxed(False))
    results = {"calls": len(calls), "direct": direct_s, "sandbox": sandbox_s, "isolation": run.isolation}
    if allow_unprotected_course:
        # the same child without bubblewrap (rlimits, own session, unprivileged uid only)
        with bubblewrap_switched_off():
            plain_s, plain_run = timed(sandboxed(True))
        results["plain"] = plain_s
        results["plain_isolation"] = plain_run.isolation
    return results


def gradient_check_cost(course):
    """Forward calls of the numerical check on the biggest conv2d_backward case, vs element-wise."""
    import numpy as np

    from autograder import gradcheck

    reference = load_reference(course, "a4_backprop")
    seed = derive_seed(None, "bench", "a4_backprop", "conv2d_backward")
    checks = build_checks("a4_backprop", "conv2d_backward", reference, seed, course.grading)
    big = max(checks, key=lambda c: c.size)
    args, kwargs = big.call.args, big.call.kwargs
    dx, dw, db = reference.conv2d_backward(*args, **kwargs)
    spec = gradcheck.BACKWARD["conv2d_backward"]
    start = time.perf_counter()
    check = gradcheck.directional_check(
        spec, reference, args, kwargs, {"dx": dx, "dw": dw, "db": db}, np.random.default_rng(0)
    )
    seconds = time.perf_counter() - start
    x, w, b = (np.asarray(a) for a in args[:3])
    return SimpleNamespace(
        label=big.label, forward_calls=check.forward_calls, elementwise=2 * (x.size + w.size + b.size),
        seconds=seconds, passed=check.ok,
    )


def kernel_run_seconds(course, assignment_id: str, sandboxed: bool) -> float:
    """Execute the reference-filled notebook as `nbgrader autograde` does (picture cells skipped),
    in a fresh working folder, with the sandboxed or the plain Jupyter kernel."""
    import shutil
    import tempfile

    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    from autograder.kernel_sandbox import SandboxedKernelManager
    from autograder.notebook_fill import fill_solution_cells, reference_sources

    source = course.root / course.assignment(assignment_id).notebook
    nb = fill_solution_cells(nbformat.read(source, as_version=4),
                             reference_sources(course.solutions_dir, assignment_id))
    workdir = Path(tempfile.mkdtemp(prefix="bench-kernel-"))
    try:
        start = time.perf_counter()
        NotebookClient(
            nb, kernel_name="python3", timeout=120, allow_errors=True, skip_cells_with_tag="autograder:skip",
            kernel_manager_class=SandboxedKernelManager if sandboxed else AsyncKernelManager,
            resources={"metadata": {"path": str(workdir)}},
        ).execute()
        return time.perf_counter() - start
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _conv_loops(x, w, b, padding):
    """The layer with a Python loop over output pixels, each pixel one tensordot over (C, KH, KW)
    for the whole batch and every kernel (the loop the a3 notebook suggests); stride 1."""
    import numpy as np

    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    F, _, KH, KW = w.shape
    OH, OW = xp.shape[2] - KH + 1, xp.shape[3] - KW + 1
    out = np.empty((x.shape[0], F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = np.tensordot(xp[:, :, i:i + KH, j:j + KW], w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out


def _conv_einsum(x, w, b, padding):
    """The layer as one einsum over a sliding-window view (a3's reference); stride 1."""
    import numpy as np

    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, w.shape[2:], axis=(2, 3))
    return np.einsum("ncijpq,fcpq->nfij", windows, w, optimize=True) + b[None, :, None, None]


def conv_as_matmul(course, shape=(8, 16, 32, 32), filters=32, k=3):
    """a5: conv2d_matmul (reference: im2col and one matrix product) against the loop and einsum
    versions above, on the same random layer, timed side by side; the answers must agree."""
    import numpy as np

    reference = load_reference(course, "a5_conv_as_matmul")
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    w = rng.normal(size=(filters, shape[1], k, k))
    b = rng.normal(size=filters)
    versions = {
        "loops": lambda: _conv_loops(x, w, b, 1),
        "einsum": lambda: _conv_einsum(x, w, b, 1),
        "matmul": lambda: reference.conv2d_matmul(x, w, b, padding=1),
    }
    seconds, outputs = {}, {}
    for name, fn in versions.items():
        seconds[name], outputs[name] = timed(fn)
    agree = all(np.allclose(out, outputs["matmul"]) for out in outputs.values())
    label = (f"N={shape[0]}, C={shape[1]}, {shape[2]}x{shape[3]}, F={filters}, K={k}, padding 1")
    return SimpleNamespace(seconds=seconds, agree=agree, label=label)


CLASS_ASSIGNMENT = "a2_correlation"
CLASS_ROLES = ("ada", "ben", "cy", "dee", "eve")  # demo roles: correct, two mistakes, untouched, cheat

# nbgrader with its defaults: the course's folders and gradebook, none of the course's plugin
PLAIN_NBGRADER_CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.source_directory = "assignments"
c.CourseDirectory.db_url = {db_url!r}
c.Autograde.create_student = True
c.Execute.timeout = {timeout}
"""


def class_grading_times(course, size: int, workdir: Path):
    """Grade one class of `size` a2 submissions four ways (see the module doc) in copies of one
    scratch course; {what: (seconds, exit code)} and whether the three course-plugin runs gave
    the same gradebook scores."""
    import shutil
    import subprocess

    from autograder.demo import (
        gradebook_scores,
        nbgrader,
        nbgrader_env,
        prepare_course,
        student_notebook,
        submit,
    )

    base = prepare_course(ROOT, workdir / "base")
    release = nbgrader(base, "generate_assignment", CLASS_ASSIGNMENT)
    if release.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{release.output[-2000:]}")
    for i in range(size):
        role = CLASS_ROLES[i % len(CLASS_ROLES)]
        nb = student_notebook(base, CLASS_ASSIGNMENT, role, base / "solutions")
        submit(base, f"{role}{i:02d}", CLASS_ASSIGNMENT, nb, hour=9 + i % 12)

    def copy(name: str) -> Path:
        dest = workdir / name
        shutil.copytree(base, dest)
        return dest

    def wall(course_dir: Path, command: list[str]) -> tuple[float, int]:
        start = time.perf_counter()
        done = subprocess.run(command, cwd=course_dir, env=nbgrader_env(course_dir), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=3600)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            print(done.stdout[-2000:], file=sys.stderr)
        return seconds, done.returncode

    nbgrader_cmd = [sys.executable, "-m", "nbgrader", "autograde", CLASS_ASSIGNMENT]
    dask_cmd = [sys.executable, "-m", "autograder", "autograde", CLASS_ASSIGNMENT, "--workers"]
    plain = copy("plain")
    (plain / "nbgrader_config.py").write_text(PLAIN_NBGRADER_CONFIG.format(
        root=str(plain), course_id=course.course_id, db_url=f"sqlite:///{plain / 'gradebook.db'}",
        timeout=int(course.nbgrader.timeout_s)))
    runs = {"plain": (plain, nbgrader_cmd), "course": (copy("course"), nbgrader_cmd),
            "dask1": (copy("dask1"), [*dask_cmd, "1"]), "dask2": (copy("dask2"), [*dask_cmd, "2"])}
    times = {name: wall(folder, command) for name, (folder, command) in runs.items()}
    scores = [gradebook_scores(load_course(runs[name][0])) for name in ("course", "dask1", "dask2")]
    return times, scores[0] == scores[1] == scores[2] and len(scores[0]) == size


def class_table(course) -> Table | None:
    if os.environ.get("BENCH_CLASS", "1") == "0":
        return None
    import tempfile

    size = int(os.environ.get("BENCH_CLASS_SIZE", "12"))
    with tempfile.TemporaryDirectory(prefix="bench-class-") as workdir:
        times, same = class_grading_times(course, size, Path(workdir))
    table = Table(title=f"make bench: a class of {size} {CLASS_ASSIGNMENT} submissions, graded four ways "
                        "(one run each)", title_justify="left")
    for column, justify in (("what", "left"), ("wall", "right"), ("per submission", "right"),
                            ("vs plain", "right"), ("note", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    labels = {
        "plain": ("plain nbgrader autograde", "nbgrader defaults, no course plugin: plain kernel, all cells"),
        "course": ("nbgrader autograde (course)", "sandboxed kernel, trusted scores, picture cells skipped"),
        "dask1": ("python -m autograder autograde -n 1", "one local Dask worker, chunks of submissions"),
        "dask2": ("python -m autograder autograde -n 2", "two local Dask workers"),
    }
    plain_s = times["plain"][0]
    for name, (label, note) in labels.items():
        seconds, code = times[name]
        if code != 0:
            note = f"EXIT {code}; " + note
        table.add_row(label, f"{seconds:.1f} s", f"{seconds / size:.2f} s", f"{seconds / plain_s:.2f}x", note)
    table.caption = ("the three course runs gave the same scores" if same
                     else "THE COURSE RUNS GAVE DIFFERENT SCORES")
    return table


def main() -> int:
    console = Console(width=140)
    course = load_course(ROOT)
    table = Table(title=f"make bench (median of {REPEATS} runs)", title_justify="left")
    table.add_column("what")
    table.add_column("measured", justify="right")
    table.add_column("note")

    rows, total = grading_times(course)
    for assignment_id, seconds, checks, percent in rows:
        table.add_row(f"grade reference {assignment_id}", f"{seconds:.2f} s", f"{checks} checks, {percent:.0f} %")
    table.add_row(f"grade reference, all {len(rows)}", f"{total:.2f} s", "one complete correct submission")

    cli = cli_times(course)
    for assignment_id, warm, cold in cli:
        table.add_row(f"`python -m autograder grade` {assignment_id}", f"{warm:.2f} s",
                      f"whole process; {cold:.2f} s with no child started ahead ({cold / warm:.2f}x)")
    table.add_row(f"`python -m autograder grade`, all {len(cli)}", f"{sum(r[1] for r in cli):.2f} s",
                  f"{sum(r[2] for r in cli):.2f} s with no child started ahead")

    allow = os.environ.get("BENCH_UNPROTECTED", "1") == "1"
    for assignment_id in ("a2_correlation", "a4_backprop"):
        r = in_process_vs_sandbox(course, assignment_id, allow)
        isolation_used = r["isolation"]
        per_call = (r["sandbox"] - r["direct"]) / r["calls"]
        table.add_row(
            f"{assignment_id}: {r['calls']} calls in-process", f"{r['direct'] * 1000:.1f} ms",
            "reference called directly",
        )
        table.add_row(
            f"{assignment_id}: same calls in the sandbox", f"{r['sandbox'] * 1000:.0f} ms",
            f"overhead {per_call * 1000:.1f} ms per call, child start-up included",
        )
        if "plain" in r:
            table.add_row(
                f"{assignment_id}: same calls, no bubblewrap", f"{r['plain'] * 1000:.0f} ms",
                f"bubblewrap adds {100 * (r['sandbox'] - r['plain']) / r['plain']:+.0f} %",
            )

    plain_s, _ = timed(lambda: kernel_run_seconds(course, "a3_multichannel", sandboxed=False))
    boxed_s, _ = timed(lambda: kernel_run_seconds(course, "a3_multichannel", sandboxed=True))
    table.add_row("a3 notebook in a plain Jupyter kernel", f"{plain_s:.2f} s", "what plain nbgrader autograde runs")
    table.add_row(
        "a3 notebook in the sandboxed kernel", f"{boxed_s:.2f} s",
        f"sandbox adds {100 * (boxed_s - plain_s) / plain_s:+.0f} % per submission",
    )

    cost = gradient_check_cost(course)
    table.add_row(
        "conv2d_backward gradient check, big case",
        f"{cost.forward_calls} forward calls",
        f"vs {cost.elementwise} element-wise; {cost.seconds * 1000:.1f} ms",
    )
    conv = conv_as_matmul(course)
    s = conv.seconds
    table.add_row("a5 layer: loop over output pixels", f"{s['loops'] * 1000:.1f} ms",
                  f"{s['loops'] / s['matmul']:.1f}x the matrix product's time")
    table.add_row("a5 layer: einsum over sliding windows", f"{s['einsum'] * 1000:.1f} ms",
                  f"{s['einsum'] / s['matmul']:.1f}x the matrix product's time")
    table.add_row("a5 layer: im2col + one matrix product", f"{s['matmul'] * 1000:.1f} ms",
                  "reference conv2d_matmul; " + ("all three agree" if conv.agree else "ANSWERS DIFFER"))
    console.print(table)
    console.print(f"a5 layer: {conv.label}")
    console.print(f"sandbox: {isolation_used}")
    console.print(f"big gradient case: {cost.label}")
    started = time.perf_counter()
    classes = class_table(course)
    if classes is not None:
        console.print(classes)
        console.print(f"class section: {time.perf_counter() - started:.0f} s (BENCH_CLASS=0 skips it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
