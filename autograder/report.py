"""Grading results as data, and the three ways they are shown: console table, JSON, nbgrader cells.

The JSON schema is a contract (design.md): {"assignment", "student", "score", "max_score",
"tests": [{"name", "function", "score", "max_score", "feedback"}]}.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text


@dataclass
class CheckResult:
    label: str  # "case 2 of 8: x (5, 7) float64, w (3, 2)"
    passed: bool
    feedback: str = ""  # empty when passed; else the lines of design.md's feedback entry
    size: int = 0  # number of input elements: the smallest failing case is the easiest to read
    refusal: bool = False  # a ValueError the notebook asks for; refusals weigh a fixed share
    # What the feedback says, as data, in any language (the class report counts these):
    # the known mistakes it names, (gradient part or None, registry mistake name, the words said) ...
    named: tuple[tuple[str | None, str, str], ...] = ()
    # ... and how the call ended: "ok", "stub" (still raises NotImplementedError), "error",
    # "missing", "timeout", "memory", "crash", "bad_output", "skipped", "load_failed"
    status: str = ""


@dataclass
class TestResult:
    name: str  # "test_corr2d", the nbgrader grade_id of the function's test cell
    function: str
    score: float
    max_score: float
    feedback: str
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score


@dataclass
class Report:
    assignment: str
    student: str
    score: float
    max_score: float
    tests: list[TestResult]
    notes: list[str] = field(default_factory=list)  # about the student's code: syntax errors, cells that raised
    warnings: list[str] = field(default_factory=list)  # about the set-up (secret, isolation): instructors only
    source: str = ""  # what was graded (a path, or "reference")

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    def to_dict(self) -> dict:
        return {
            "assignment": self.assignment,
            "student": self.student,
            "score": float(self.score),
            "max_score": float(self.max_score),
            "tests": [
                {
                    "name": t.name,
                    "function": t.function,
                    "score": float(t.score),
                    "max_score": float(t.max_score),
                    "feedback": t.feedback,
                }
                for t in self.tests
            ],
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }


def write_json(reports: list[Report], path: Path) -> None:
    """One report -> one JSON object (the contract); several (a folder) -> a list of them."""
    data = reports[0].to_dict() if len(reports) == 1 else [r.to_dict() for r in reports]
    Path(path).write_text(json.dumps(data, indent=2) + "\n")


def format_points(value: float) -> str:
    """Points as people read them: 7.27, 3, 0.67 (the JSON and the gradebook keep full precision)."""
    return f"{round(float(value), 2):g}"


def score_style(score: float, max_score: float) -> str:
    """Green for full marks, yellow for partial credit, red for nothing."""
    return "green" if score >= max_score else ("yellow" if score > 0 else "red")


def render_report(report: Report, console: Console) -> None:
    """The readable table: one row per test with its points and feedback."""
    title = f"{report.assignment} - {report.student}"
    if report.source:
        title += f"  ({report.source})"
    table = Table(title=title, show_lines=True, title_justify="left")
    table.add_column("test", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("feedback", overflow="fold")
    for test in report.tests:
        style = score_style(test.score, test.max_score)
        table.add_row(
            Text(test.function, style=style),
            Text(f"{format_points(test.score)} / {format_points(test.max_score)}", style=style),
            Text(test.feedback),
        )
    console.print(table)
    for note in report.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    for warning in report.warnings:
        console.print(Text(f"warning: {warning}", style="yellow"))
    console.print(
        Text(
            f"total: {format_points(report.score)} / {format_points(report.max_score)}"
            f"  ({report.percent:.0f} %)",
            style="bold",
        )
    )


def render_summary(reports: list[Report], console: Console) -> None:
    """After grading a folder: one row per submission."""
    table = Table(title="summary", title_justify="left")
    table.add_column("student")
    table.add_column("assignment")
    table.add_column("score", justify="right")
    table.add_column("%", justify="right")
    for report in reports:
        table.add_row(
            report.student,
            report.assignment,
            f"{format_points(report.score)} / {format_points(report.max_score)}",
            f"{report.percent:.0f}",
        )
    console.print(table)
