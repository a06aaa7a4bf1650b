"""Helpers shared by the test modules (not a test file itself)."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_solution(assignment_id: str, prefix: str = "reference") -> ModuleType:
    """Import solutions/<assignment_id>.py by path, without the package being installed."""
    path = ROOT / "solutions" / f"{assignment_id}.py"
    spec = importlib.util.spec_from_file_location(f"{prefix}_{assignment_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    assignment = re.search(r"^assignment: (\S+)", text, flags=re.M).group(1)
    reference = (ROOT / "solutions" / f"{assignment}.py").read_text()
    whole = Path(folder) / Path(patch).name
    whole.write_text(reference + "\n\n# ---- the buggy part ----\n" + text)
    return whole


CHEATING = ROOT / "tests" / "submissions" / "cheating"


def cheating_source(path: Path) -> str:
    """A whole cheating a2 submission: the corpus's honest functions, then the cheat file."""
    return (CHEATING / "_honest.py").read_text() + "\n\n# ---- the cheating part ----\n" + Path(path).read_text()


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
