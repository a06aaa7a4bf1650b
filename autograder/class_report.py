"""The class report: what a whole class got wrong, from the gradebook and the grader's per-check results.

`nbgrader export` gives totals. The grader knows more: for every student and function, which
checks failed and which known mistake each failing output matched. `nbgrader autograde` keeps that
(TrustedGrades calls `submission_results`) in the autograded notebook's metadata, under
RESULTS_KEY:

    autograded/<student>/<assignment>/<assignment>.ipynb   metadata.autograder_results = {
        "schema": 1, "assignment", "student", "score", "max_score",
        "functions": [{"function", "test", "score", "max_score", "checks", "passed",
                       "attempt": "attempted" | "stub" | "missing",
                       "mistakes": [{"id", "part", "explanation", "checks", "primary"}],
                       "failing": [{"label", "feedback"}],
                       "problems": [{"kind", "text"}]}],
        "problems": [{"kind", "text"}]}

Why there: the autograded notebook is the instructor's copy of the submission and travels with
it; it is found from the gradebook row (student, assignment, notebook); the student's kernel never
sees it (TrustedGrades runs after the kernel, in nbgrader's process, and overwrites whatever a
submitted notebook carried under that key); and it never reaches the student: `nbgrader
generate_feedback` copies every file of autograded/<student>/<assignment>/ except notebooks into
feedback/, so a JSON file beside the notebook would be handed out, while the notebook's metadata
is not rendered into the feedback HTML.

`write_class_report(course)` (`python -m autograder report [ASSIGNMENT]`) reads the gradebook's
scores (manual grades included) and those results, and writes one self-contained HTML page (no
script, no network: histograms are PNG data URLs, every text escaped by the template) and a CSV
of its main table, the named mistakes ranked by how many students made them. The gradebook stays
the authority on scores: results that disagree with its auto scores (a notebook graded again
without its results, or edited by hand) are left out and listed as a problem.

Mistakes are told apart by the registry's own names (diagnose.Mistake.name, "kernel flipped"),
which each check's result carries beside its feedback (report.CheckResult.named), so the id is
stable whatever the case that showed it and whatever the language the feedback is in. A student is
counted under the mistake their feedback named on the most failing checks of a function ("primary";
per gradient part, ties each): a case that cannot tell two mistakes apart (a kernel of one row,
flipped or flipped along its columns only?) names the simpler one, and should not add a second
mistake to the student.
"""
from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .course import Course, CourseError
from .i18n import current, english_of, language
from .report import Report, format_points

RESULTS_KEY = "autograder_results"
SCHEMA = 1
FAILING_KEPT = 20  # failing checks kept per function (labels); enough to see a pattern
FEEDBACK_KEPT = 800  # characters of each failing check's feedback
TOLERANCE = 1e-6  # stored results and the gradebook's auto scores agree within this


# --------------------------------------------------------------------------------------------
# what the grader found in one submission, as data (TrustedGrades stores it)


# Which kind of problem a note is, from its words (notes are written for people; kinds are for
# the report's table). First match wins.
_KINDS = (
    ("syntax error", ("syntax error",)),
    ("timeout", ("time limit", "celltimeouterror", "timed out", "ran longer than")),
    ("tampering", ("test cell", "nbgrader settings", "copy of the nbgrader cell",
                   "marked as an nbgrader cell")),
    ("crash", ("kernel stopped", "kerneldied", "os._exit", "crash", "sys.exit")),
    ("memory", ("memory",)),
    ("unreadable", ("could not be read", "not a valid notebook", "unencodable", "surrogate")),
)


def problem_kind(text: str, language_code: str | None = None) -> str:
    """"syntax error", "timeout", "tampering", "crash", "memory", "unreadable" or "error", for a
    note said in `language_code` (default: the current language), judged by the English message
    it was said from."""
    with language(language_code or current()):
        lowered = f"{text} {english_of(text)}".lower()
    for kind, words in _KINDS:
        if any(word in lowered for word in words):
            return kind
    return "error"


def _attempt(test_checks, score: float) -> str:
    failing = [c for c in test_checks if not c.passed]
    if score > 0 or not test_checks or len(failing) < len(test_checks):
        return "attempted"
    for status in ("stub", "missing"):  # checks.call_status: how each call ended
        if all(c.status == status for c in failing):
            return status
    return "attempted"


def submission_results(report: Report, problems: Iterable[str] = (),
                       scores: dict[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """The per-function results of one graded submission as plain JSON data (see module doc).
    `problems`: notes about the submission beyond report.notes (tampering, a cell that timed out).
    `scores`: test name -> (score, points) as written into the notebook, where the notebook's
    points differ from course.yml's (TrustedGrades scales); by default the report's own."""
    scores = scores or {}
    functions = []
    total = maximum = 0.0
    for test in report.tests:
        score, points = scores.get(test.name, (test.score, test.max_score))
        mistakes: dict[tuple[str | None, str], dict[str, Any]] = {}
        failing = [c for c in test.checks if not c.passed]
        for check in failing:
            counted: set[tuple[str | None, str]] = set()  # a check counts once per mistake
            for part, name, words in check.named:
                if (part, name) in counted:
                    continue
                counted.add((part, name))
                entry = mistakes.setdefault((part, name), {"id": name, "part": part,
                                                           "explanation": words, "checks": 0})
                entry["checks"] += 1
        # Where one case cannot tell two mistakes apart (a kernel of one row: flipped, or flipped
        # along its columns only?), the feedback names the simplest; the mistake a student made is
        # the one named on the most checks (per gradient part; ties: each of them).
        most: dict[str | None, int] = {}
        for entry in mistakes.values():
            most[entry["part"]] = max(most.get(entry["part"], 0), entry["checks"])
        for entry in mistakes.values():
            entry["primary"] = entry["checks"] == most[entry["part"]]
        function_problems = []
        for words, what in (("time limit", "timeout"), ("memory limit", "memory")):
            hit = [c for c in failing if c.status == what]
            if hit:
                function_problems.append({"kind": what, "text": (
                    f"{test.function}: {len(hit)} of {len(test.checks)} checks stopped at the "
                    f"{words}")})
        total, maximum = total + float(score), maximum + float(points)
        functions.append({
            "function": test.function,
            "test": test.name,
            "score": float(score),
            "max_score": float(points),
            "checks": len(test.checks),
            "passed": sum(c.passed for c in test.checks),
            "attempt": _attempt(test.checks, float(score)),
            "mistakes": sorted(mistakes.values(), key=lambda m: (-m["checks"], m["part"] or "")),
            "failing": [{"label": c.label, "feedback": c.feedback[:FEEDBACK_KEPT]}
                        for c in failing[:FAILING_KEPT]],
            "problems": function_problems,
        })
    notes = list(dict.fromkeys([*problems, *report.notes]))  # in order, each once
    return {
        "schema": SCHEMA,
        "assignment": report.assignment,
        "student": report.student,
        "score": round(total, 6),
        "max_score": round(maximum, 6),
        "functions": functions,
        "problems": [{"kind": problem_kind(note), "text": note} for note in notes],
    }


# --------------------------------------------------------------------------------------------
# the class: one row per graded submission


@dataclass
class GradedSubmission:
    """One student's submission of one assignment: the gradebook's scores and the stored results."""

    student: str
    assignment: str
    score: float
    max_score: float
    scores: dict[str, float]  # function -> points, as the gradebook has them (manual grades count)
    max_scores: dict[str, float]
    results: dict[str, Any] | None = None  # submission_results, when present and consistent
    trouble: str = ""  # why there are no usable results

    @classmethod
    def from_results(cls, results: dict[str, Any]) -> GradedSubmission:
        """A row from stored results alone (no gradebook): the scores are the grader's."""
        functions = results["functions"]
        return cls(
            student=str(results["student"]),
            assignment=str(results["assignment"]),
            score=float(results["score"]),
            max_score=float(results["max_score"]),
            scores={f["function"]: float(f["score"]) for f in functions},
            max_scores={f["function"]: float(f["max_score"]) for f in functions},
            results=results,
        )

    def problems(self) -> list[tuple[str, str]]:
        """(kind, text) of everything noted about this submission."""
        found: list[tuple[str, str]] = []
        if self.trouble:
            found.append(("no per-check results", self.trouble))
        if self.results:
            found += [(p["kind"], p["text"]) for p in self.results.get("problems", [])]
            for function in self.results["functions"]:
                found += [(p["kind"], p["text"]) for p in function.get("problems", [])]
        return found


def _well_formed(results: Any) -> bool:
    """The shape submission_results writes (a notebook's metadata can be edited by hand)."""
    def number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    def problems(value: Any) -> bool:
        return isinstance(value, list) and all(
            isinstance(p, dict) and isinstance(p.get("kind"), str) and isinstance(p.get("text"), str)
            for p in value)

    if not isinstance(results, dict) or results.get("schema") != SCHEMA:
        return False
    functions = results.get("functions")
    if not isinstance(functions, list) or not problems(results.get("problems")):
        return False
    for f in functions:
        if not (isinstance(f, dict) and isinstance(f.get("function"), str) and isinstance(f.get("test"), str)
                and number(f.get("score")) and number(f.get("max_score")) and problems(f.get("problems"))
                and isinstance(f.get("mistakes"), list)):
            return False
        for m in f["mistakes"]:
            if not (isinstance(m, dict) and isinstance(m.get("id"), str) and number(m.get("checks"))
                    and isinstance(m.get("explanation"), str)
                    and (m.get("part") is None or isinstance(m["part"], str))):
                return False
    return True


def _usable(results: Any, student: str, assignment: str, auto_scores: dict[str, float | None]) -> str:
    """Why stored results cannot be used for this gradebook row ("" when they can)."""
    if results is None:
        return ("no per-check results in the autograded notebook (graded before the class report "
                "existed?); run nbgrader autograde --force for it")
    if not _well_formed(results):
        return "the per-check results in the autograded notebook are not in a form this grader reads"
    if results.get("student") != student or results.get("assignment") != assignment:
        return "the per-check results in the autograded notebook belong to another submission"
    for function in results["functions"]:
        auto = auto_scores.get(function.get("test"))
        if auto is None or abs(float(auto) - float(function.get("score", -1))) > TOLERANCE:
            return ("the per-check results in the autograded notebook do not match the gradebook's "
                    "scores; run nbgrader autograde --force for this submission")
    return ""


def _read_results(path: Path) -> Any:
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    metadata = data.get("metadata") if isinstance(data, dict) else None
    return metadata.get(RESULTS_KEY) if isinstance(metadata, dict) else None


def gradebook_url(course: Course) -> str:
    """The gradebook's SQLAlchemy URL, as nbgrader_config.py gives it to nbgrader."""
    from .nbgrader_plugin import absolute_db_url

    return absolute_db_url(course.nbgrader.db_url, Path(course.root).resolve())


def read_gradebook(course: Course, assignment_id: str | None = None) -> list[GradedSubmission]:
    """Every graded submission in the gradebook (of one assignment, if given), each with its stored
    per-check results from autograded/<student>/<assignment>/<notebook>.ipynb."""
    from nbgrader.api import Gradebook

    url = gradebook_url(course)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).is_file():
        raise CourseError(f"no gradebook at {url[len('sqlite:///'):]}: run nbgrader autograde first")
    autograded = Path(course.root).resolve() / "autograded"
    rows: list[GradedSubmission] = []
    with Gradebook(url, course.course_id) as gb:
        for assignment in gb.assignments:
            if assignment_id is not None and assignment.name != assignment_id:
                continue
            for submission in assignment.submissions:
                student = submission.student.id
                scores: dict[str, float] = {}
                max_scores: dict[str, float] = {}
                auto: dict[str, float | None] = {}
                results: Any = None
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        function = grade.name.removeprefix("test_")
                        scores[function] = float(grade.score or 0.0)
                        max_scores[function] = float(grade.max_score or 0.0)
                        auto[grade.name] = grade.auto_score
                    found = _read_results(autograded / student / assignment.name / f"{notebook.name}.ipynb")
                    results = found if results is None else results
                row = GradedSubmission(student, assignment.name, float(submission.score or 0.0),
                                       float(submission.max_score or 0.0), scores, max_scores)
                row.trouble = _usable(results, student, assignment.name, auto)
                row.results = None if row.trouble else results
                rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# the report's content


@dataclass
class MistakeRow:
    assignment: str
    function: str
    mistake: str  # the registry's name
    explanation: str  # the words the feedback used (the most common, if several)
    parts: list[str] = field(default_factory=list)  # the gradients it was seen in ("dx", "dw")
    students: list[str] = field(default_factory=list)
    checks: int = 0  # failing checks that named it, over all its students

    @property
    def count(self) -> int:
        return len(self.students)

    @property
    def title(self) -> str:
        return f"{self.mistake} (in {', '.join(self.parts)})" if self.parts else self.mistake


@dataclass
class FunctionStats:
    function: str
    max_score: float
    scores: list[float]
    attempted: int  # submissions whose results say they attempted it
    with_results: int  # submissions with usable results

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0

    @property
    def full_marks(self) -> int:
        return sum(s >= self.max_score - TOLERANCE for s in self.scores)


@dataclass
class AssignmentStats:
    assignment: str
    max_score: float
    totals: list[float]
    functions: list[FunctionStats]
    histogram: str = ""  # PNG data URL

    @property
    def mean(self) -> float:
        return sum(self.totals) / len(self.totals) if self.totals else 0.0


@dataclass
class ProblemRow:
    student: str
    assignment: str
    kind: str
    text: str


@dataclass
class ClassReport:
    course_id: str
    title: str
    scope: str  # "all assignments" or one id
    source: str  # where the scores came from, for the page
    students: list[str]
    assignments: list[AssignmentStats]
    mistakes: list[MistakeRow]
    unattempted: list[tuple[str, str]]  # (assignment, function) nobody attempted
    problems: list[ProblemRow]


def _order(course: Course, rows: list[GradedSubmission]) -> list[str]:
    """Assignments in course.yml's order, then any others the gradebook has."""
    known = [a.id for a in course.assignments]
    present = {r.assignment for r in rows}
    return [a for a in known if a in present] + sorted(present - set(known))


def _functions(course: Course, assignment: str, rows: list[GradedSubmission]) -> list[str]:
    try:
        return list(course.assignment(assignment).functions)
    except CourseError:
        names: dict[str, None] = {}
        for row in rows:
            names.update(dict.fromkeys(row.scores))
        return list(names)


def build_report(course: Course, rows: list[GradedSubmission], scope: str = "all assignments",
                 source: str = "") -> ClassReport:
    """The report's content from the class's rows (read_gradebook, or GradedSubmission.from_results)."""
    order = _order(course, rows)
    stats: list[AssignmentStats] = []
    mistakes: dict[tuple[str, str, str], MistakeRow] = {}
    explanations: dict[tuple[str, str, str], dict[str, int]] = {}
    checks_by: dict[tuple[tuple[str, str, str], str], int] = {}
    unattempted: list[tuple[str, str]] = []
    for assignment in order:
        these = sorted((r for r in rows if r.assignment == assignment), key=lambda r: r.student)
        functions = _functions(course, assignment, these)
        with_results = [r for r in these if r.results]
        function_stats = []
        for function in functions:
            entries = [f for r in with_results for f in r.results["functions"]  # type: ignore[index]
                       if f.get("function") == function]
            attempted = sum(f.get("attempt") == "attempted" for f in entries)
            max_score = max((r.max_scores.get(function, 0.0) for r in these), default=0.0)
            function_stats.append(FunctionStats(
                function, max_score, [r.scores[function] for r in these if function in r.scores],
                attempted, len(entries)))
            if entries and not attempted:
                unattempted.append((assignment, function))
        max_total = max((r.max_score for r in these), default=0.0)
        stats.append(AssignmentStats(assignment, max_total, [r.score for r in these], function_stats))
        for row in with_results:
            for entry in row.results["functions"]:  # type: ignore[index]
                for m in entry.get("mistakes", []):
                    if not m.get("primary", True):
                        continue
                    key = (assignment, entry["function"], m["id"])  # dx and dw swapped: one row
                    item = mistakes.setdefault(key, MistakeRow(assignment, entry["function"], m["id"],
                                                               m.get("explanation", "")))
                    if m.get("part") and m["part"] not in item.parts:
                        item.parts.append(m["part"])
                    if row.student not in item.students:
                        item.students.append(row.student)
                    seen = checks_by.setdefault((key, row.student), 0)  # dx and dw: the same checks
                    checks_by[(key, row.student)] = max(seen, int(m.get("checks", 0)))
                    said = explanations.setdefault(key, {})
                    said[m.get("explanation", "")] = said.get(m.get("explanation", ""), 0) + 1
    for (key, _), checks in checks_by.items():
        mistakes[key].checks += checks
    for key, item in mistakes.items():
        item.explanation = max(explanations[key].items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
        item.students.sort()
        item.parts.sort()
    position = {a: i for i, a in enumerate(order)}

    def function_index(item: MistakeRow) -> int:
        functions = _functions(course, item.assignment, [])
        return functions.index(item.function) if item.function in functions else len(functions)

    ranked = sorted(mistakes.values(), key=lambda m: (-m.count, position[m.assignment],
                                                      function_index(m), m.mistake))
    problems = [ProblemRow(r.student, r.assignment, kind, text)
                for assignment in order
                for r in sorted((r for r in rows if r.assignment == assignment), key=lambda r: r.student)
                for kind, text in r.problems()]
    return ClassReport(
        course_id=course.course_id,
        title=course.title,
        scope=scope,
        source=source,
        students=sorted({r.student for r in rows}),
        assignments=stats,
        mistakes=ranked,
        unattempted=unattempted,
        problems=problems,
    )


# --------------------------------------------------------------------------------------------
# pictures, page, CSV


def _histogram_png(stats: AssignmentStats) -> str:
    """One PNG (a data URL) for an assignment: the totals, then one histogram per function."""
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    panels = [("total", stats.max_score, stats.totals)] + [
        (f.function, f.max_score, f.scores) for f in stats.functions]
    columns = min(len(panels), 3)
    rows = -(-len(panels) // columns)
    figure = Figure(figsize=(3.4 * columns, 2.5 * rows), dpi=100, layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax, (name, top, scores) in zip(axes.flat, panels):
        top = top if top > 0 else 1.0
        bins = np.linspace(0.0, top, 11)
        ax.hist(np.clip(scores, 0.0, top), bins=bins, color="#4c72b0" if name != "total" else "#dd8452",
                edgecolor="white")
        mean = sum(scores) / len(scores) if scores else 0.0
        ax.set_title(f"{name}: mean {format_points(mean)} / {format_points(top)}", fontsize=10)
        ax.set_xlim(0, top)
        ax.set_xlabel("points", fontsize=9)
        ax.set_ylabel("students", fontsize=9)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(labelsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_html(report: ClassReport) -> str:
    """The page (templates/class_report.html.j2; autoescaped, so every student id and message is
    shown as text). Histograms are drawn here if not yet."""
    import jinja2

    for stats in report.assignments:
        if not stats.histogram:
            stats.histogram = _histogram_png(stats)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["points"] = format_points
    return environment.get_template("class_report.html.j2").render(report=report)


CSV_COLUMNS = ("rank", "students", "assignment", "function", "mistake", "parts", "failing_checks",
               "student_ids", "explanation")


def write_csv(report: ClassReport, path: Path) -> None:
    """The ranked mistakes table as CSV (student ids separated by spaces)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for rank, m in enumerate(report.mistakes, start=1):
            writer.writerow([rank, m.count, m.assignment, m.function, m.mistake, " ".join(m.parts), m.checks,
                             " ".join(m.students), m.explanation])


def default_output(course: Course, assignment_id: str | None = None) -> Path:
    name = f"class_report_{assignment_id}.html" if assignment_id else "class_report.html"
    return Path(course.root).resolve() / name


def write_class_report(course: Course, assignment_id: str | None = None,
                       output: Path | None = None) -> tuple[Path, Path, ClassReport]:
    """Read the gradebook, write the HTML page and the CSV beside it: (html, csv, report)."""
    from sqlalchemy.engine import make_url

    if assignment_id is not None:
        course.assignment(assignment_id)  # CourseError for an unknown id
    rows = read_gradebook(course, assignment_id)
    if not rows:
        what = f"no submission of {assignment_id}" if assignment_id else "no submissions"
        raise CourseError(f"{what} in the gradebook yet: run nbgrader autograde first")
    source = "gradebook " + make_url(gradebook_url(course)).render_as_string(hide_password=True)
    report = build_report(course, rows, assignment_id or "all assignments", source)
    html_path = Path(output) if output else default_output(course, assignment_id)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render_html(report), encoding="utf-8")
    csv_path = html_path.with_suffix(".csv")
    write_csv(report, csv_path)
    return html_path, csv_path, report
