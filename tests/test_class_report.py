"""The class report: per-check results stored by the grader, read back, ranked, drawn, and shown in
a real browser.

Fast tests build the report from results the real engine produced on a few a2 submissions (the
buggy corpus, the reference, the stubs); the page is loaded in headless Chromium and the test
reads the DOM it rendered. One end-to-end test runs a tiny a1 class through the real `nbgrader
autograde` and `generate_feedback` and writes the report from the gradebook with the CLI.

Chromium missing: these tests skip on a developer's machine and fail in CI (CI set), where
.ci/run installs it.
"""
from __future__ import annotations

import base64
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from autograder.class_report import (
    RESULTS_KEY,
    GradedSubmission,
    _usable,
    build_report,
    problem_kind,
    render_html,
    submission_results,
    write_class_report,
    write_csv,
)
from autograder.course import STUDENT_API, load_course
from autograder.diagnose import mistakes_for
from autograder.engine import grade_path
from autograder.registry import REGISTRY, graded
from course_helpers import ROOT, buggy_submission, live_script

A2 = "a2_correlation"
BUGGY = ROOT / "tests" / "submissions" / "buggy"
EVIL = '<img src=x onerror="alert(1)">'  # a student id as a browser would like to run it


# --------------------------------------------------------------------------------------------
# the browser


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail("chromium is not installed: CI must install it (.ci/run)")
    pytest.skip("chromium is not installed (apt-get install chromium)")


PROBE = """<script>
window.addEventListener("load", function () {
  for (const img of document.images) {
    img.setAttribute("data-natural-width", String(img.naturalWidth));
    img.setAttribute("data-natural-height", String(img.naturalHeight));
  }
  document.body.setAttribute("data-loaded", "yes");
});
</script>"""


def rendered_dom(page: Path, tmp_path: Path) -> str:
    """The DOM Chromium built from `page`, after its load event. A copy of the page gets a probe
    script (the report itself has none) that writes each image's decoded size into the DOM."""
    probed = tmp_path / f"probed-{page.name}"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", "--virtual-time-budget=5000",
         "--dump-dom", probed.as_uri()],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0 and "<body" in done.stdout, done.stderr[-2000:]
    assert 'data-loaded="yes"' in done.stdout, "the page's load event never came"
    return done.stdout


class Dom(HTMLParser):
    """Rows of the report's tables (td text by class) and its images, from a DOM dump."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, list[dict[str, str]]] = {}  # table id -> rows
        self.images: list[dict[str, str]] = []
        self.ids: dict[str, str] = {}  # element id -> tag
        self._table: str | None = None
        self._row: dict[str, str] | None = None
        self._cell: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids[a["id"]] = tag
        if tag == "table":
            self._table = a.get("id", "")
        elif tag == "tr" and self._table is not None:
            self._row = {}
        elif tag == "td" and self._row is not None:
            self._cell = a.get("class", "").split()[-1] if a.get("class") else str(len(self._row))
            self._row[self._cell] = ""
        elif tag == "img":
            self.images.append(a)

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self.rows.setdefault(self._table or "", []).append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._row is not None and self._cell is not None:
            self._row[self._cell] += data


def png_of(src: str) -> bytes:
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix), src[:40]
    return base64.b64decode(src[len(prefix):], validate=True)


# --------------------------------------------------------------------------------------------
# submissions graded by the real engine


def stubs_source(assignment: str) -> str:
    """Every function of `assignment` left as the release's stub."""
    return "\n\n".join(f"def {f}{graded(f).signature}:\n    raise NotImplementedError\n"
                       for f in STUDENT_API[assignment])


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict]:
    """student -> stored results (as JSON text would give them back), of real a2 gradings."""
    course = load_course(ROOT)
    folder = tmp_path_factory.mktemp("class")
    files = {
        "ada": ROOT / "solutions" / f"{A2}.py",
        "ben": buggy_submission(BUGGY / "a2_kernel_flipped.py", folder),
        EVIL: buggy_submission(BUGGY / "a2_kernel_flipped.py", folder),
        "cy": buggy_submission(BUGGY / "a2_convolve1d_not_flipped.py", folder),
        "dee": folder / "dee.py",
        "fay": folder / "fay.ipynb",
    }
    files["dee"].write_text(stubs_source(A2))
    reference = files["ada"].read_text()
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(reference),
        nbformat.v4.new_code_cell("def convolve2d(x, w):\n    raise NotImplementedError"),
        nbformat.v4.new_code_cell("def helper(x:\n    return x"),
    ]), files["fay"])
    found = {}
    for student, path in files.items():
        report = grade_path(path, course, A2, student)
        extra = ["The test cell test_corr1d was changed in your notebook; it was put back as "
                 "released before grading."] if student == "cy" else []
        found[student] = json.loads(json.dumps(submission_results(report, extra)))
    return found


def rows_of(results: dict[str, dict], *students: str) -> list[GradedSubmission]:
    return [GradedSubmission.from_results(results[s]) for s in students]


# --------------------------------------------------------------------------------------------
# what is stored


@pytest.mark.parametrize("language_code", ["en", "ko"])
def test_checks_carry_the_mistakes_they_name_by_registry_name_in_any_language(
        language_code, tmp_path, course, references, in_process):
    """The report counts mistakes by the registry's names, which every failing check carries
    beside its feedback (CheckResult.named): the same names whatever language the feedback is in,
    for every buggy submission of the corpus."""
    from autograder.checks import build_checks, derive_seed
    from autograder.i18n import language
    from course_helpers import load_module

    names = {m.name for function in REGISTRY for m in mistakes_for(function)}
    named_somewhere = 0
    for path in sorted(BUGGY.glob("*.py")):
        doc = dict(re.findall(r"^(assignment|function): (.+)$", path.read_text().split('"""')[1],
                              flags=re.M))
        module = load_module(buggy_submission(path, tmp_path), f"_cr_{path.stem}")
        seed = derive_seed(None, "corpus", doc["assignment"], doc["function"])
        with language(language_code):
            checks = build_checks(doc["assignment"], doc["function"],
                                  references[doc["assignment"]], seed, course.grading)
            results = [c.judge(in_process(module, c.call)) for c in checks]
        for result in results:
            assert not (result.passed and result.named)
            for part, name, words in result.named:
                assert name in names and words in result.feedback or name == "x mutated", \
                    (path.name, name, result.feedback)
                assert part in (None, *graded(doc["function"]).gradient_names)
        named_somewhere += any(r.named for r in results)
        assert {r.status for r in results} <= {"ok", "error", "stub", "missing", "timeout",
                                                "memory", "crash", "bad_output", "skipped"}
    assert named_somewhere >= 35


def test_stored_results_name_the_mistake_per_function(results):
    ben = results["ben"]
    assert ben["schema"] == 1 and ben["student"] == "ben" and ben["assignment"] == A2
    by_function = {f["function"]: f for f in ben["functions"]}
    assert list(by_function) == list(STUDENT_API[A2])
    corr2d = by_function["corr2d"]
    assert corr2d["score"] < corr2d["max_score"] and corr2d["attempt"] == "attempted"
    assert corr2d["passed"] < corr2d["checks"] and corr2d["failing"]
    assert "likely mistake: the kernel is flipped" in " ".join(c["feedback"] for c in corr2d["failing"])
    primary = [m for m in corr2d["mistakes"] if m["primary"]]
    assert [m["id"] for m in primary] == ["kernel flipped"], corr2d["mistakes"]
    assert primary[0]["checks"] >= 3 and primary[0]["part"] is None
    for name, entry in by_function.items():
        if name != "corr2d":
            assert entry["score"] == entry["max_score"] and not entry["mistakes"] and not entry["failing"], entry
    assert ben["score"] == pytest.approx(sum(f["score"] for f in ben["functions"]))
    assert ben["problems"] == []


def test_stubs_are_not_attempted_and_notes_become_problems_of_a_kind(results):
    assert {f["attempt"] for f in results["dee"]["functions"]} == {"stub"}
    assert results["dee"]["score"] == 0
    fay = {f["function"]: f for f in results["fay"]["functions"]}
    assert fay["convolve2d"]["attempt"] == "stub"
    assert fay["corr2d"]["attempt"] == "attempted" and fay["corr2d"]["score"] == fay["corr2d"]["max_score"]
    kinds = [p["kind"] for p in results["fay"]["problems"]]
    assert kinds == ["syntax error"], results["fay"]["problems"]
    assert [p["kind"] for p in results["cy"]["problems"]] == ["tampering"]
    assert problem_kind("Cell 4: this cell ran longer than the 120 s limit and was interrupted. "
                        "(CellTimeoutError)") == "timeout"
    assert problem_kind("Cell 3: the Python kernel stopped while running this cell (os._exit, a crash, "
                        "or the memory limit).") == "crash"


def test_results_are_used_only_when_they_agree_with_the_gradebook(results):
    ben = results["ben"]
    auto = {f["test"]: f["score"] for f in ben["functions"]}
    assert _usable(ben, "ben", A2, auto) == ""
    assert "no per-check results" in _usable(None, "ben", A2, auto)
    assert "another submission" in _usable(ben, "cy", A2, auto)
    assert "do not match" in _usable(ben, "ben", A2, dict(auto, test_corr2d=3.0))
    assert "not in a form" in _usable({"schema": 99}, "ben", A2, auto)
    broken = json.loads(json.dumps(ben))
    broken["functions"][1]["mistakes"][0]["id"] = ["<b>"]
    assert "not in a form" in _usable(broken, "ben", A2, auto)
    broken["functions"][1] = dict(ben["functions"][1], score="3")
    assert "not in a form" in _usable(broken, "ben", A2, auto)


# --------------------------------------------------------------------------------------------
# the report


def test_mistakes_are_ranked_by_students_with_their_ids_and_the_csv_says_the_same(results, tmp_path):
    course = load_course(ROOT)
    report = build_report(course, rows_of(results, "ada", "ben", EVIL, "cy", "dee", "fay"))
    ranked = [(m.function, m.mistake, m.students) for m in report.mistakes]
    assert ranked[0] == ("corr2d", "kernel flipped", sorted(["ben", EVIL])), ranked
    assert ("convolve1d", "kernel not flipped", ["cy"]) in ranked[1:], ranked
    assert [m.count for m in report.mistakes] == sorted((m.count for m in report.mistakes), reverse=True)
    assert report.unattempted == []  # ada wrote every function
    assert {(p.student, p.kind) for p in report.problems} == {("cy", "tampering"), ("fay", "syntax error")}
    stats = report.assignments[0]
    assert stats.assignment == A2 and len(stats.totals) == 6
    corr2d = next(f for f in stats.functions if f.function == "corr2d")
    assert corr2d.full_marks == 3 and corr2d.attempted == 5 and corr2d.with_results == 6  # ada, cy, fay; all but dee

    path = tmp_path / "mistakes.csv"
    write_csv(report, path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [(r["function"], r["mistake"], r["students"]) for r in rows] == \
        [(m.function, m.mistake, str(m.count)) for m in report.mistakes]
    assert rows[0]["student_ids"] == " ".join(sorted(["ben", EVIL])) and rows[0]["rank"] == "1"

    nobody = build_report(course, rows_of(results, "dee", "fay"))  # both left convolve2d a stub
    assert nobody.unattempted == [(A2, "convolve2d")]


def test_the_page_renders_in_chromium_with_ranked_mistakes_histograms_and_only_text(results, tmp_path):
    course = load_course(ROOT)
    page = tmp_path / "class_report.html"
    page.write_text(render_html(build_report(course, rows_of(results, "ada", "ben", EVIL, "cy", "dee", "fay"))),
                    encoding="utf-8")
    text = page.read_text(encoding="utf-8")
    # self-contained: no script, nothing fetched (pictures are data: URLs)
    assert "<script" not in text.lower()
    assert not re.findall(r'(?:src|href)="(?!data:|#)', text)
    assert "@import" not in text and "url(" not in text
    assert live_script(text) == []  # the id is text (a live alert() would also stall the browser)

    dom = Dom(rendered_dom(page, tmp_path))
    mistakes = dom.rows["mistakes"]
    assert [(r["function"], r["name"], r["count"]) for r in mistakes[:1]] == [("corr2d", "kernel flipped", "2")]
    assert mistakes[0]["students"] == ", ".join(sorted(["ben", EVIL]))  # the id shown as text, in the browser too
    assert any(r["function"] == "convolve1d" and r["name"] == "kernel not flipped" and r["count"] == "1"
               and r["students"] == "cy" for r in mistakes), mistakes
    assert [int(r["count"]) for r in mistakes] == sorted((int(r["count"]) for r in mistakes), reverse=True)
    assert [r["rank"] for r in mistakes] == [str(i) for i in range(1, len(mistakes) + 1)]
    problems = {(r["student"], r["kind"]) for r in dom.rows["problems"]}
    assert problems == {("cy", "tampering"), ("fay", "syntax error")}
    assert dom.ids.get("no-unattempted") == "p"

    histograms = [img for img in dom.images if "histograms" in img.get("class", "")]
    assert len(histograms) == 1
    for img in histograms:
        png = png_of(img["src"])
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
        assert int(img["data-natural-width"]) > 300 and int(img["data-natural-height"]) > 200, img.keys()
    assert all("alert" not in img.get("onerror", "") for img in dom.images)
    assert len(dom.images) == 1  # EVIL's <img> is text, not an element


# --------------------------------------------------------------------------------------------
# end to end: nbgrader autograde stores the results, the CLI writes the report from the gradebook


A1 = "a1_output_size"


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.needs_bwrap
@pytest.mark.timeout(900)
def test_autograde_stores_results_the_report_reads_them_and_feedback_never_shows_them(tmp_path):
    from autograder.demo import nbgrader, prepare_course, release_notebook, student_notebook, submit
    from autograder.notebook_fill import fill_solution_cells, reference_sources
    from course_helpers import cell_by_grade_id

    course_dir = prepare_course(ROOT, tmp_path / "course")
    course = load_course(course_dir)
    done = nbgrader(course_dir, "generate_assignment", A1)
    assert done.returncode == 0, done.output[-3000:]
    released = release_notebook(course_dir, A1)
    submit(course_dir, "ben", A1, student_notebook(course_dir, A1, "ben", course.solutions_dir))
    # a forged set of results in the submitted notebook, and an edited test cell
    forged = fill_solution_cells(released, reference_sources(course.solutions_dir, A1))
    forged.metadata[RESULTS_KEY] = {"schema": 1, "student": "ada", "assignment": A1, "functions": [],
                                    "problems": [], "forged": True}
    cell_by_grade_id(forged, "test_conv_output_shape").source = "# trust me\npass"
    submit(course_dir, "zed", A1, forged)
    for step in (("autograde", A1), ("generate_feedback", A1)):
        done = nbgrader(course_dir, *step)
        assert done.returncode == 0, done.output[-3000:]

    stored = nbformat.read(course_dir / "autograded" / "zed" / A1 / f"{A1}.ipynb", as_version=4).metadata
    assert stored[RESULTS_KEY]["student"] == "zed" and "forged" not in stored[RESULTS_KEY]
    # the results stay the instructor's: nothing of them in feedback/
    # (generate_feedback copies every file but notebooks: timestamp.txt goes along, a JSON would too)
    feedback = [p for p in (course_dir / "feedback").rglob("*") if p.is_file()]
    assert sorted(p.name for p in feedback) == sorted([f"{A1}.html", "timestamp.txt"] * 2), feedback
    for page in feedback:
        assert RESULTS_KEY not in page.read_text() and '"primary"' not in page.read_text()

    out = tmp_path / "report" / "a1.html"
    cli = subprocess.run([sys.executable, "-m", "autograder", "report", A1, "--output", str(out),
                          "--course", str(course_dir / "course.yml")],
                         cwd=course_dir, capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stderr[-3000:]
    assert str(out) in cli.stdout.replace("\n", "") and out.with_suffix(".csv").is_file()
    ben_mistake = next(d.what for e in REGISTRY.values() for d in e.demo if d.student == "ben" and e.assignment == A1)
    assert "1 student(s)" in cli.stdout, cli.stdout

    dom = Dom(rendered_dom(out, tmp_path))
    mistakes = dom.rows["mistakes"]
    assert [r["students"] for r in mistakes] == ["ben"] * len(mistakes), (ben_mistake, mistakes)
    assert mistakes[0]["count"] == "1" and mistakes[0]["function"] == "conv_output_length", mistakes
    assert {(r["student"], r["kind"]) for r in dom.rows["problems"]} == {("zed", "tampering")}
    assert [int(img["data-natural-width"]) > 300 for img in dom.images] == [True], dom.images

    # a submission graded before results existed is listed, not silently counted
    path = course_dir / "autograded" / "ben" / A1 / f"{A1}.ipynb"
    nb = nbformat.read(path, as_version=4)
    del nb.metadata[RESULTS_KEY]
    os.chmod(path, 0o644)
    nbformat.write(nb, path)
    html_path, _, _ = write_class_report(load_course(course_dir))
    assert html_path == course_dir / "class_report.html"
    text = html_path.read_text()
    assert "no per-check results" in text and text.count('<tr class="problem">') == 2  # ben's, zed's
    assert 'id="no-mistakes"' in text  # ben's are not counted without their results


def test_report_of_an_unknown_assignment_or_no_gradebook_is_a_usage_error(tmp_path):
    from autograder.demo import prepare_course

    course_dir = prepare_course(ROOT, tmp_path / "course")
    for args, words in ((["report", "a9_nothing"], "a9_nothing"), (["report"], "no gradebook")):
        done = subprocess.run([sys.executable, "-m", "autograder", *args, "--course",
                               str(course_dir / "course.yml")], capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and words in done.stderr, (args, done.stderr)
    assert not (course_dir / "gradebook.db").exists()  # looking did not create one
