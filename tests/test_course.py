"""course.yml is validated by one model; a wrong field names the field and the file."""
from pathlib import Path

import pytest
import yaml

from autograder.course import STUDENT_API, CourseError, load_course
from course_helpers import write_course

ROOT = Path(__file__).resolve().parents[1]


def test_the_repository_course_file_is_valid_and_matches_the_student_api():
    course = load_course(ROOT)
    assert [a.id for a in course.assignments] == list(STUDENT_API)
    for assignment in course.assignments:
        assert set(assignment.points) == set(STUDENT_API[assignment.id])
        assert (ROOT / assignment.notebook).parent.name == assignment.id
    assert course.grading.trials >= 3
    assert course.root == ROOT


def test_unknown_assignment_is_refused_by_name():
    course = load_course(ROOT)
    with pytest.raises(CourseError, match="a9_nonsense") as info:
        course.assignment("a9_nonsense")
    assert "a2_correlation" in str(info.value)  # and it lists the ones that exist


def test_a_function_left_out_of_points_gets_its_registry_weight(tmp_path):
    from autograder.registry import graded

    path = write_course(tmp_path, lambda d: d["assignments"][1]["points"].pop("corr3d"))
    assignment = load_course(path).assignment("a2_correlation")
    assert assignment.points["corr3d"] == graded("corr3d").points
    assert set(assignment.points) == set(STUDENT_API["a2_correlation"])


def test_course_yml_states_the_registry_weights():
    """The shipped course.yml spells every weight out, and they are the registry's defaults."""
    from autograder.registry import graded

    raw = yaml.safe_load((ROOT / "course.yml").read_text())
    for a in raw["assignments"]:
        assert a["points"] == {f: graded(f).points for f in STUDENT_API[a["id"]]}, a["id"]


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda d: d["grading"].update(trials=0), "grading.trials"),
        (lambda d: d["grading"]["limits"].update(time_s="soon"), "grading.limits.time_s"),
        (lambda d: d["grading"].update(tolerance=1e-3), "grading.tolerance"),
        (lambda d: d.pop("course_id"), "course_id"),
        (lambda d: d["assignments"][0]["points"].update(conv_output_length=-1), "assignments.0.points"),
        (lambda d: d["assignments"][1]["points"].update(corr4d=1), "no graded function called corr4d"),
        (lambda d: d["assignments"][2].update(id="a7_unknown"), "unknown assignment id 'a7_unknown'"),
        (lambda d: d["assignments"].append(dict(d["assignments"][0])), "repeated: a1_output_size"),
    ],
)
def test_a_wrong_field_is_named_with_the_file(tmp_path, mutate, field):
    path = write_course(tmp_path, mutate)
    with pytest.raises(CourseError) as info:
        load_course(path)
    message = str(info.value)
    assert str(path) in message
    assert field in message


def test_not_yaml_and_not_a_mapping_are_clear_errors(tmp_path):
    (tmp_path / "course.yml").write_text("course_id: [unclosed\n")
    with pytest.raises(CourseError, match="not valid YAML"):
        load_course(tmp_path)
    (tmp_path / "course.yml").write_text("- just\n- a list\n")
    with pytest.raises(CourseError, match="expected a mapping"):
        load_course(tmp_path)


def test_missing_course_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("CONV_COURSE_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CourseError, match="no course.yml found"):
        load_course()


def test_secret_comes_from_the_environment_then_the_file(tmp_path, monkeypatch):
    secret_file = tmp_path / "secret.txt"
    secret = {"env": "TEST_CONV_SECRET", "file": str(secret_file)}
    path = write_course(tmp_path, lambda d: d["grading"].update(secret=secret))
    monkeypatch.delenv("TEST_CONV_SECRET", raising=False)
    course = load_course(path)
    assert course.secret() is None
    secret_file.write_text("from-file\n")
    assert course.secret() == b"from-file"
    monkeypatch.setenv("TEST_CONV_SECRET", "from-env")
    assert course.secret() == b"from-env"
