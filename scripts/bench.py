"""`make bench`: what grading costs, measured side by side in one run on this machine.

Prints one table:
  1. wall time to grade the reference solution of each assignment (and all four together);
  2. the grader's overhead per test: the same calls made in-process versus through the sandboxed
     child (start-up included), and bubblewrap versus the unprotected child;
  3. the cost of the gradient check for the big conv2d_backward case, in forward calls, versus
     full element-wise central differences.
No numbers are asserted: this machine is shared and noisy. Rerun it and compare ratios.
"""
from __future__ import annotations

import contextlib
import os
import statistics
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
        seconds, report = timed(lambda: grade_reference(course, assignment.id))
        checks = sum(len(t.checks) for t in report.tests)
        rows.append((assignment.id, seconds, checks, report.percent))
        total += seconds
    return rows, total


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
    nb = fill_solution_cells(nbformat.read(source, as_version=4), reference_sources(course.solutions_dir, assignment_id))
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


def main() -> int:
    console = Console(width=140)
    course = load_course(ROOT)
    table = Table(title="make bench (median of %d runs)" % REPEATS, title_justify="left")
    table.add_column("what")
    table.add_column("measured", justify="right")
    table.add_column("note")

    rows, total = grading_times(course)
    for assignment_id, seconds, checks, percent in rows:
        table.add_row(f"grade reference {assignment_id}", f"{seconds:.2f} s", f"{checks} checks, {percent:.0f} %")
    table.add_row("grade reference, all four", f"{total:.2f} s", "one complete correct submission")

    allow = os.environ.get("BENCH_UNPROTECTED", "1") == "1"
    for assignment_id in ("a2_correlation", "a4_backprop"):
        r = in_process_vs_sandbox(course, assignment_id, allow)
        isolation_used = r["isolation"]
        per_call = (r["sandbox"] - r["direct"]) / r["calls"]
        table.add_row(
            f"{assignment_id}: {r['calls']} calls in-process", f"{r['direct'] * 1000:.1f} ms", "reference called directly"
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
    console.print(table)
    console.print(f"sandbox: {isolation_used}")
    console.print(f"big gradient case: {cost.label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
