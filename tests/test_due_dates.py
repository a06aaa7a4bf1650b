"""course.yml's `due` and `late_policy` reach nbgrader: `nbgrader autograde` writes the due date into
the gradebook and applies the policy, and `nbgrader export` shows exactly the penalty.

The end-to-end test releases a1 (the smallest assignment) in a scratch course, hands in the
reference three times with different timestamp.txt files (on time, half an hour late, 2.5 hours
late) and autogrades them in one `nbgrader autograde` run.
"""
from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from autograder.course import CourseError, LatePolicy, load_course
from autograder.demo import nbgrader, prepare_course, release_notebook, submit
from autograder.notebook_fill import fill_solution_cells, reference_sources
from course_helpers import write_course

ROOT = Path(__file__).resolve().parents[1]
A1 = "a1_output_size"
# demo.submit writes "2026-11-20 HH:00:00.000000 UTC"; due 10:30 in UTC+1 is 09:30 UTC
DUE = "2026-11-20T10:30:00+01:00"
POLICY = {"per": "hour", "points": 1, "cap": 3}  # 1 point per hour started, at most 3
SUBMITTED_HOUR = {"ontime": 9, "halfhour": 10, "late": 12}  # UTC: 30 min early, 30 min, 2.5 h late
EXPECTED_PENALTY = {"ontime": 0.0, "halfhour": 1.0, "late": 3.0}


# ---------------------------------------------------------------------------------------------
# the policy and its validation


@pytest.mark.parametrize("seconds_late, points_off", [
    (0, 0.0), (-60, 0.0),  # on time, early
    (1, 1.0), (1800, 1.0), (3600, 1.0),  # within the first hour: one hour started
    (3601, 2.0), (9000, 3.0),  # 2.5 hours: three hours started
    (4 * 3600, 3.0), (30 * 86400, 3.0),  # the cap
])
def test_points_per_hour_started_up_to_the_cap(seconds_late, points_off):
    assert LatePolicy(**POLICY).penalty(seconds_late, max_score=5) == points_off


def test_a_percent_per_day_is_of_the_assignments_points_and_so_is_its_cap():
    policy = LatePolicy(per="day", percent=10, cap=25)
    assert policy.penalty(3600, max_score=8) == pytest.approx(0.8)  # one day started: 10 % of 8
    assert policy.penalty(86400 + 1, max_score=8) == pytest.approx(1.6)
    assert policy.penalty(10 * 86400, max_score=8) == pytest.approx(2.0)  # capped at 25 % of 8


def test_no_cap_means_the_rate_keeps_going():
    assert LatePolicy(per="day", points=2).penalty(5 * 86400 - 1, max_score=5) == 10.0


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["assignments"][0].update(due="2026-11-20T10:30:00"), "has no timezone"),
    (lambda d: d["assignments"][0].update(due=datetime(2026, 11, 20).date()), "a date without a time"),
    (lambda d: d.update(late_policy={"per": "hour", "points": 1, "percent": 5}), "exactly one of"),
    (lambda d: d.update(late_policy={"per": "hour"}), "exactly one of"),
    (lambda d: d.update(late_policy={"per": "week", "points": 1}), "late_policy.per"),
    (lambda d: d["assignments"][0].update(late_policy={"per": "hour", "points": -1}),
     "assignments.0.late_policy.points"),
])
def test_a_wrong_due_date_or_policy_is_named(tmp_path, mutate, message):
    path = write_course(tmp_path, mutate)
    with pytest.raises(CourseError, match=message):
        load_course(path)


def test_an_assignments_own_policy_wins_over_the_course_one(tmp_path):
    def mutate(data):
        data["late_policy"] = {"per": "day", "percent": 10}
        data["assignments"][0].update(due=DUE, late_policy=POLICY)

    course = load_course(write_course(tmp_path, mutate))
    assert course.late_policy_for(A1) == LatePolicy(**POLICY)
    assert course.late_policy_for("a2_correlation") == LatePolicy(per="day", percent=10)
    due = course.assignment(A1).due
    assert due == datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
    assert due is not None and due.utcoffset() == timedelta(hours=1)
    assert course.assignment("a2_correlation").due is None


# ---------------------------------------------------------------------------------------------
# real nbgrader


@pytest.mark.e2e
@pytest.mark.needs_bwrap
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_late_submission_loses_exactly_the_policys_points_in_nbgraders_export(tmp_path):
    course_dir = prepare_course(ROOT, tmp_path / "course")
    yml = course_dir / "course.yml"
    data = yaml.safe_load(yml.read_text())
    data["assignments"][0].update(due=DUE, late_policy=POLICY)
    yml.write_text(yaml.safe_dump(data))
    course = load_course(course_dir)
    max_score = course.assignment(A1).max_score

    released = nbgrader(course_dir, "generate_assignment", A1)
    assert released.returncode == 0, released.output[-3000:]
    filled = fill_solution_cells(release_notebook(course_dir, A1),
                                 reference_sources(course.solutions_dir, A1))
    for student, hour in SUBMITTED_HOUR.items():
        submit(course_dir, student, A1, filled, hour=hour)

    graded = nbgrader(course_dir, "autograde", A1)  # no extra command: configure() does the rest
    assert graded.returncode == 0, graded.output[-4000:]
    exported = nbgrader(course_dir, "export")
    assert exported.returncode == 0, exported.output[-3000:]

    with open(course_dir / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle) if row["assignment"] == A1}
    assert set(rows) == set(SUBMITTED_HOUR)
    for student, penalty in EXPECTED_PENALTY.items():
        row = rows[student]
        assert row["duedate"] == "2026-11-20 09:30:00", row  # the gradebook keeps UTC
        assert float(row["raw_score"]) == pytest.approx(max_score), row
        assert float(row["late_submission_penalty"]) == pytest.approx(penalty), row
        assert float(row["score"]) == pytest.approx(max_score - penalty), row
    assert "3 hour(s) started: 3 point(s) off by the late policy" in graded.output
