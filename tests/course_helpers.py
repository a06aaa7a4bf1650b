"""Helpers shared by the test modules (not a test file itself)."""
from __future__ import annotations

import copy
import importlib.util
import os
from pathlib import Path
from types import ModuleType

import numpy as np
import yaml

from autograder.checks import CallOutcome
from autograder.testfunctions import FunctionSpec, make_function

ROOT = Path(__file__).resolve().parents[1]


def load_module(path: Path, name: str) -> ModuleType:
    """Import a Python file by path under `name` (our own test data or the reference)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_solution(assignment_id: str, prefix: str = "reference") -> ModuleType:
    """Import solutions/<assignment_id>.py by path, without the package being installed."""
    return load_module(ROOT / "solutions" / f"{assignment_id}.py", f"{prefix}_{assignment_id}")


def processes_with(marker: str) -> list[str]:
    """Command lines of live processes containing `marker` (scans /proc; no psutil)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline and "pytest" not in cmdline:
            found.append(f"{entry}: {cmdline}")
    return found


def buggy_submission(patch: Path, folder: Path) -> Path:
    """A whole buggy submission: the reference of the patch's assignment, then the patch.

    The files in tests/submissions/buggy/ hold only the function that differs (and a docstring
    with `assignment:`), so the corpus does not repeat the reference thirty times.
    """
    import re

    text = Path(patch).read_text()
    found = re.search(r"^assignment: (\S+)", text, flags=re.M)
    assert found, f"{patch}: no 'assignment:' line in its docstring"
    assignment = found.group(1)
    reference = (ROOT / "solutions" / f"{assignment}.py").read_text()
    whole = Path(folder) / Path(patch).name
    whole.write_text(reference + "\n\n# ---- the buggy part ----\n" + text)
    return whole


CHEATING = ROOT / "tests" / "submissions" / "cheating"


def cheating_source(path: Path) -> str:
    """A whole cheating a2 submission: the corpus's honest functions, then the cheat file."""
    return (CHEATING / "_honest.py").read_text() + "\n\n# ---- the cheating part ----\n" + Path(path).read_text()


def as_ordinary_user(argv: list[str], cwd: Path, home: Path, uid: int = 65534,
                     timeout: float = 900):
    """Run `argv` as `uid` (the caller is root), as an instructor without root runs the grader.

    It runs in a private mount namespace where every folder on the way to the Python install,
    the venv and the project can be passed through (root's home is often 0700): a folder that
    others cannot enter is covered by an empty 0755 tmpfs into which the one entry on the way is
    bound back. Nothing changes outside that namespace.
    """
    import shlex
    import subprocess
    import sys
    import tempfile

    needed = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, str(ROOT))}
    keep = tempfile.mkdtemp(prefix="ag-keep-")
    steps: list[str] = []
    covered: dict[str, str] = {}
    for path in sorted(needed):
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts)):
            folder = "/" + "/".join(parts[:depth])
            if not os.stat(folder).st_mode & 0o001 and folder not in covered:
                covered[folder] = f"{keep}/{len(covered)}"
                entry = parts[depth]
                steps += [f"mkdir -p {covered[folder]}",
                          f"mount --bind {shlex.quote(folder)} {covered[folder]}",
                          f"mount -t tmpfs -o mode=0755 tmpfs {shlex.quote(folder)}",
                          f"mkdir -p {shlex.quote(folder + '/' + entry)}",
                          f"mount --bind {covered[folder]}/{shlex.quote(entry)} {shlex.quote(folder + '/' + entry)}"]
                break
    env = {"PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin", "HOME": str(home),
           "LANG": "C.UTF-8"}
    user = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
            "env", "-i", *[f"{k}={v}" for k, v in env.items()], *argv]
    script = " && ".join(steps + ["exec " + shlex.join(user)])
    try:
        return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                              cwd=cwd, capture_output=True, text=True, timeout=timeout)
    finally:
        from autograder.cleanup import remove_tree

        remove_tree(keep)  # the mount points made inside the namespace are plain empty folders here


def _plain(value):
    """What the sandbox would hand back: base ndarrays, tuples/lists of them, numbers."""
    if isinstance(value, np.ndarray):
        return np.array(value)
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    return value


def run_in_process(module: ModuleType, call):
    """Run `call` on a module of our own test data in this process, and report it as the sandbox
    would (a CallOutcome): fast, for corpora whose code we wrote ourselves."""
    args = copy.deepcopy(call.args)
    live = tuple(make_function(a) if isinstance(a, FunctionSpec) else a for a in args)
    try:
        value = getattr(module, call.function)(*live, **copy.deepcopy(call.kwargs))
    except Exception as error:  # noqa: BLE001 - becomes the outcome, as in the sandbox
        kinds = tuple(c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins")
        return CallOutcome("error", message=f"{type(error).__name__}: {error}", error_types=kinds)
    after = tuple(None if callable(a) else _plain(a) for a in live) if call.return_args else None
    return CallOutcome("ok", value=_plain(value), args_after=after)


def live_script(page: str, marker: str = "alert(") -> list[str]:
    """What in an HTML page would run `marker` in a browser: <script> bodies, on* attributes and
    javascript: URLs that contain it (an HTML parser, so escaped text such as highlighted code does
    not count). The page's own scripts (MathJax, require.js) never contain the marker."""
    from html.parser import HTMLParser

    class Finder(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.found: list[str] = []
            self.in_script = False

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                value = value or ""
                if name.startswith("on") and marker in value:
                    self.found.append(f"<{tag} {name}={value!r}>")
                if value.strip().lower().startswith("javascript:"):
                    self.found.append(f"<{tag} {name}={value!r}>")
            self.in_script = self.in_script or tag == "script"

        def handle_startendtag(self, tag, attrs):
            self.handle_starttag(tag, attrs)
            self.in_script = False if tag == "script" else self.in_script

        def handle_endtag(self, tag):
            if tag == "script":
                self.in_script = False

        def handle_data(self, data):
            if self.in_script and marker in data:
                self.found.append(f"<script>{data.strip()[:80]}")

    finder = Finder()
    finder.feed(page)
    return finder.found


def cell_by_grade_id(nb, grade_id: str):
    """The cell of a notebook with this nbgrader grade_id."""
    from autograder.submission import cell_metadata

    return next(c for c in nb.cells if cell_metadata(c, "nbgrader", {}).get("grade_id") == grade_id)


def write_course(tmp_path: Path, mutate) -> Path:
    """The project's course.yml, changed by `mutate(data)`, written to tmp_path/course.yml."""
    data = yaml.safe_load((ROOT / "course.yml").read_text())
    mutate(data)
    path = tmp_path / "course.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def execute_notebook(nb, cwd: Path, allow_errors: bool = False):
    """Run `nb` top to bottom in a real python3 kernel (nbclient), working in `cwd`; returns it."""
    from nbclient import NotebookClient

    # The kernel must use the inline backend so that figures become image outputs; an inherited
    # MPLBACKEND=Agg would silently draw nothing.
    env_backend = os.environ.pop("MPLBACKEND", None)
    try:
        NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=allow_errors,
                       resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        if env_backend is not None:
            os.environ["MPLBACKEND"] = env_backend
    return nb
