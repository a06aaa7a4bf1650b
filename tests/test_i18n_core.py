"""The grader's core messages in Korean (diagnose, compare, checks, gradcheck, cases, engine).

Under `language("ko")` the feedback a student reads is Korean: the named mistake (a flipped kernel,
an output one row short), the shape and NaN reports, the case labels; outside the block every
message is the English it always was. One real grading: a course whose course.yml says
`language: ko` grades a flipped corr2d kernel with Korean feedback.
"""
from __future__ import annotations

import sys

import numpy as np
import pytest

from autograder.checks import CallOutcome, build_checks
from autograder.compare import compare_array, compare_int, describe
from autograder.course import Grading, load_course
from autograder.diagnose import (
    TWO_D,
    Layout,
    Mistake,
    axis_words,
    kernel_flips,
    mistakes_for,
    off_by_one,
    off_by_one_words,
)
from autograder.i18n import Message, current, language
from course_helpers import ROOT, buggy_submission, load_solution, write_course

A2 = "a2_correlation"
REFERENCE = load_solution(A2, "i18n_core_reference")
GRADING = Grading()


def _first_check(function: str = "corr2d", seed: int = 3):
    """The first (random, not refused) check of `function` and the right answer on it."""
    check = build_checks(A2, function, REFERENCE, seed, GRADING)[0]
    return check, getattr(REFERENCE, function)(*check.call.args)


def _flipped(check):
    """What corr2d returns with the kernel rotated by 180 degrees, on the check's case."""
    x, w = check.call.args
    return REFERENCE.corr2d(x, np.flip(np.asarray(w, dtype=float), (0, 1)))


# ----------------------------------------------------------------------------- named mistakes

def test_a_flipped_kernel_is_named_in_korean():
    with language("ko"):
        check, _ = _first_check()
        feedback = check.judge(CallOutcome("ok", value=_flipped(check))).feedback
    assert check.label.startswith("케이스 1/")
    assert "짐작되는 실수: 커널이 뒤집혀 있습니다." in feedback
    assert "가장 크게 다른 곳은" in feedback and "기대한 값" in feedback
    assert "likely mistake" not in feedback and "values differ" not in feedback


def test_the_same_flipped_kernel_is_english_outside_the_block():
    check, _ = _first_check()
    feedback = check.judge(CallOutcome("ok", value=_flipped(check))).feedback
    assert check.label.startswith("case 1 of ")
    assert "likely mistake: the kernel is flipped." in feedback
    assert "values differ, worst at" in feedback
    assert "커널" not in feedback and current() == "en"


@pytest.mark.parametrize("cut, english, korean", [
    ((slice(0, -1), slice(None)), "the output is one row short.", "(행 1개 부족)"),
    ((slice(None), slice(0, -1)), "the output is one column short.", "(열 1개 부족)"),
    ((slice(0, -1), slice(0, -1)), "the output is one row and one column short.",
     "(행 1개, 열 1개 부족)"),
])
def test_an_off_by_one_output_says_how_it_is_off_in_korean(cut, english, korean):
    check, right = _first_check()
    with language("ko"):
        said = check.judge(CallOutcome("ok", value=right[cut])).feedback
    assert f"짐작되는 실수: 출력 크기가 하나 차이 납니다{korean}." in said
    assert "H - K + 1개 위치" in said and "축 " in said and "1 부족" in said
    assert f"likely mistake: {english}" in check.judge(CallOutcome("ok", value=right[cut])).feedback


def test_one_too_long_and_one_short_at_once():
    mistake = off_by_one("corr2d", Layout((0, 1), (0, 1), (0, 1), TWO_D))
    words = off_by_one_words(mistake, (4, 5), (3, 6))
    assert str(words) == "one row short and one column too long"
    with language("ko"):
        assert str(words) == "행 1개 부족, 열 1개 초과"


def test_a_true_convolution_without_the_flip_is_named_in_korean():
    with language("ko"):
        check, _ = _first_check("convolve2d", 5)
        x, w = check.call.args
        feedback = check.judge(CallOutcome("ok", value=REFERENCE.corr2d(x, w))).feedback
    assert ("짐작되는 실수: 커널이 뒤집히지 않았습니다. convolve2d은(는) 진짜 합성곱입니다: w를 밀기 "
            "전에 180도 회전하세요(w[::-1, ::-1]). 그러지 않으면 corr2d과(와) 같습니다.") in feedback


def test_integer_truncation_is_explained_in_korean():
    check, right = _first_check()
    with language("ko"):
        feedback = check.judge(CallOutcome("ok", value=np.trunc(right).astype(np.int64))).feedback
    assert "출력: dtype이 float64여야 하는데 int64입니다" in feedback
    assert "짐작되는 실수: 출력이 정수 배열이라서" in feedback


# ----------------------------------------------------------------------------- compare.py

def test_a_shape_report_is_korean():
    expected = np.zeros((2, 3))
    with language("ko"):
        swapped = compare_array(expected, np.zeros((3, 2)), 1e-7, 1e-9)
        short = compare_array(expected, np.zeros((2, 1)), 1e-7, 1e-9, name="dx")
        flat = compare_array(expected, np.zeros(6), 1e-7, 1e-9)
        nothing = compare_array(expected, None, 1e-7, 1e-9)
    assert swapped.lines == ["출력: 기대한 모양은 (2, 3)인데 받은 모양은 (3, 2)입니다 (크기는 같은데 "
                             "순서가 다릅니다: 두 축이 바뀌지 않았나요?)"]
    assert short.lines == ["dx: 기대한 모양은 (2, 3)인데 받은 모양은 (2, 1)입니다 (축 1: 2 부족)"]
    assert flat.lines == ["출력: 기대한 모양은 (2, 3)인데 받은 모양은 (6,)입니다 (2차원이 아니라 1차원)"]
    assert "None을 받았습니다. `return` 문을 빠뜨리지 않았나요?" in nothing.lines[0]


def test_a_nan_report_is_korean():
    expected = np.arange(6.0).reshape(2, 3)
    got = expected.copy()
    got[0, 1] = np.nan
    got[1, 2] = np.inf
    with language("ko"):
        one = compare_array(expected, np.where(np.isinf(got), 5.0, got), 1e-7, 1e-9)
        both = compare_array(expected, got, 1e-7, 1e-9, name="gradient")
    assert one.lines == ["출력: 값 6개 중 NaN 1개가 있습니다. 첫 번째는 [0, 1]에 있습니다(기대한 값 "
                         "1.0). 0으로 나누는 곳이나 초기화하지 않은 배열(np.empty)을 찾아보세요"]
    assert both.lines[0].startswith("그래디언트: 값 6개 중 NaN 1개와 무한대 1개가 있습니다.")


def test_the_same_reports_are_english_outside_the_block():
    expected = np.arange(6.0).reshape(2, 3)
    got = expected.copy()
    got[0, 1] = np.nan
    assert compare_array(expected, got, 1e-7, 1e-9).lines == [
        "output: 1 NaN value among 6, the first at [0, 1] (expected 1.0); look for a division by "
        "zero or an uninitialised array (np.empty)"]
    assert compare_array(expected, np.zeros((3, 2)), 1e-7, 1e-9).lines == [
        "output: expected shape (2, 3), got (3, 2) (the same sizes in a different order: are two "
        "axes swapped?)"]
    assert describe([1, 2]) == "a list of 2 items" and describe(np.zeros(2)) == \
        "a float64 array of shape (2,)"
    assert compare_int(3, 3.0).lines == [
        "result: expected the int 3, got the float 3.0; the number is right but a size must be "
        "an int: use // (floor division), not /"]
    with language("ko"):
        assert describe([1, 2]) == "항목이 2개인 list"
        assert compare_int(3, 3.0).lines == [
            "결과: 기대한 값은 int 3인데 받은 것은 float 값 3.0입니다; 수는 맞지만 크기는 int여야 "
            "합니다: / 대신 //(정수 나눗셈)을 쓰세요"]


# ----------------------------------------------------------------------------- checks.py

def test_a_refusal_and_its_reason_are_korean():
    checks = build_checks("a3_multichannel", "conv2d_forward", load_solution("a3_multichannel"), 1,
                          GRADING)
    refusal = next(c for c in checks if c.refusal and "(5, 7)" in c.label)
    with language("ko"):
        label = build_checks("a3_multichannel", "conv2d_forward",
                             load_solution("a3_multichannel"), 1, GRADING)[checks.index(refusal)].label
        feedback = refusal.judge(CallOutcome("ok", value=np.zeros(2))).feedback
    assert "(커널 (5, 7)이 패딩한 입력 (5, 6)에 들어가지 않음)" in label
    assert feedback.startswith("ValueError가 나야 합니다(이유: 커널 (5, 7)이 패딩한 입력 (5, 6)에 "
                               "들어가지 않음). 그런데 함수가 돌려준 것은 모양이 (2,)인 float64 "
                               "배열입니다")
    assert "힌트: 노트북이 요구하는 검사입니다" in feedback
    english = refusal.judge(CallOutcome("ok", value=np.zeros(2))).feedback
    assert english.startswith("expected ValueError because the kernel (5, 7) does not fit the "
                              "padded input (5, 6); your function returned a float64 array")


def test_an_error_and_its_hint_are_korean():
    check, _ = _first_check()
    outcome = CallOutcome("error", message="IndexError: index 5 is out of bounds for axis 0")
    with language("ko"):
        said = check.judge(outcome).feedback.splitlines()
        stub = check.judge(CallOutcome("error", message="NotImplementedError")).feedback
    assert "함수에서 오류가 났습니다: IndexError: index 5 is out of bounds for axis 0" in said
    assert "힌트: 인덱스가 배열의 끝을 넘어갔습니다: 반복문의 범위를 출력 크기와 비교해 보세요" in said
    assert "아직 처음 주어진 뼈대(stub) 그대로입니다" in stub
    assert "hint: an index ran past the end of an array" in check.judge(outcome).feedback


def test_the_gradient_checks_speak_korean():
    reference = load_solution("a4_backprop", "i18n_core_a4")
    with language("ko"):
        checks = build_checks("a4_backprop", "conv2d_backward", reference, 2, GRADING)
        small, big = checks[0], max(checks, key=lambda c: c.size)  # the big case: one direction
        said = []
        for check in (small, big):
            dx, dw, db = reference.conv2d_backward(*check.call.args, **check.call.kwargs)
            dx = dx.copy()
            dx.flat[3] += 1.0
            said.append(check.judge(CallOutcome("ok", value=(dx, dw, db))).feedback)
    assert "dx: 순전파의 중심 차분으로 구한 dx[" in said[0]
    assert "dx: 수치 검사 실패: 무작위 방향 u를 따라 손실 L = sum(dout * forward)은" in said[1]
    assert "은(는) 맞습니다. 값 " in said[0]


def test_a_changed_x_is_explained_once_in_korean():
    reference = load_solution("a4_backprop", "i18n_core_a4")
    with language("ko"):
        check = next(c for c in build_checks("a4_backprop", "numerical_gradient", reference, 4,
                                             GRADING) if not c.refusal)
        f, x = check.call.args[0], np.asarray(check.call.args[1], dtype=float)
        from autograder.testfunctions import make_function

        right = reference.numerical_gradient(make_function(f), x.copy(), *check.call.args[2:],
                                             **check.call.kwargs)
        moved = x.copy()
        moved.flat[0] -= 1e-5
        feedback = check.judge(CallOutcome("ok", value=right + 1.0,
                                           args_after=(f, moved))).feedback
    assert "함수가 x를 바꾸었습니다: x[" in feedback
    assert feedback.count("짐작되는 실수: x를 제자리에서 바꾸고 되돌려 놓지 않았습니다.") == 1


# ----------------------------------------------------------------------------- the contract

def test_axis_words_are_a_message_said_in_the_current_language():
    where = axis_words((1, 2), (1, 2, 3), ("depth", "rows", "columns"))
    assert isinstance(where, Message)
    assert str(where) == "axes 1 and 2 (depth, rows)" == where.english()
    assert str(axis_words((0,), (0, 1), TWO_D)) == "axis 0 (rows)"
    assert str(axis_words((0, 1, 2), (0, 1, 2, 3), ("batch", "filters", "rows", "columns"))) == \
        "axes 0, 1 and 2 (batch, filters, rows)"
    with language("ko"):
        assert str(where) == "축 1, 2(깊이, 행)"
        assert str(axis_words((0, 1, 2), (0, 1, 2, 3), ("batch", "filters", "rows", "columns"))) \
            == "축 0, 1, 2(배치, 필터, 행)"
        assert where.english() == "axes 1 and 2 (depth, rows)"
        assert f"flipped along {where}" == "flipped along 축 1, 2(깊이, 행)"  # f-strings say it too


def test_family_words_may_be_messages_or_plain_strings_and_names_stay_english():
    layout = Layout((0, 1), (0, 1), (0, 1), TWO_D)
    with language("ko"):  # built inside a block (a registry imported late): names stay English
        said = kernel_flips("corr2d", layout, slides_as_is=Message("Cross-correlation slides w as "
                                                                   "it is."))
        plain = kernel_flips("corr2d", layout, slides_as_is="corr2d slides w as it is.")
    assert [m.name for m in said] == ["kernel flipped along axis 0 (rows) only",
                                      "kernel flipped along axis 1 (columns) only",
                                      "kernel flipped"]
    assert str(said[0].explanation) == ("the kernel is flipped along axis 0 (rows) only. "
                                        "Cross-correlation slides w as it is.")
    assert str(plain[2].explanation) == "the kernel is flipped. corr2d slides w as it is."
    with language("ko"):
        assert str(said[0].explanation) == ("커널이 축 0(행) 방향으로만 뒤집혀 있습니다. 교차상관은 "
                                            "w를 뒤집지 않고 그대로 밉니다.")
        # a str nobody translated is said as it is, inside the Korean sentence
        assert str(plain[2].explanation) == "커널이 뒤집혀 있습니다. corr2d slides w as it is."
    # an off-by-one explanation given as a plain str with {off} works as before
    mistake = off_by_one("corr2d", layout, "the output is {off}: count again.")
    assert isinstance(mistake, Mistake) and mistake.name == "off by one"


def test_every_mistake_of_a2_says_itself_in_both_languages():
    for function in ("corr1d", "corr2d", "corr3d", "convolve1d", "convolve2d"):
        for mistake in mistakes_for(function):
            english = str(mistake.explanation)
            with language("ko"):
                korean = str(mistake.explanation)
            assert english and korean and mistake.name.isascii(), (function, mistake.name)


def test_every_message_of_the_core_has_a_korean_translation_with_the_same_fields():
    sys.path.insert(0, str(ROOT / "scripts"))
    import messages

    mine = {f"autograder/{name}.py" for name in ("diagnose", "compare", "checks", "gradcheck",
                                                  "cases", "engine", "report", "testfunctions")}
    found = [line for line in messages.problems(messages.extract(), messages.translations_of("ko"),
                                                "ko")
             if any(f"({path}:" in line for path in mine)]
    assert found == []
    assert [line for line in messages.not_literal() if line.split(":")[0] in mine] == []


# ----------------------------------------------------------------------------- a real grading

@pytest.mark.needs_bwrap
def test_a_korean_course_grades_a_flipped_kernel_with_korean_feedback(tmp_path, monkeypatch):
    """course.yml `language: ko`: engine.grade_path says everything in Korean, and only inside."""
    from autograder.engine import grade_path

    monkeypatch.setenv("CONV_COURSE_SECRET", "i18n-core")
    path = write_course(tmp_path, lambda data: data.update(language="ko"))
    (tmp_path / "solutions").symlink_to(ROOT / "solutions")
    course = load_course(path)
    assert course.language == "ko"
    submission = buggy_submission(ROOT / "tests" / "submissions" / "buggy" / "a2_kernel_flipped.py",
                                  tmp_path)
    report = grade_path(submission, course, A2, student="minji")
    assert current() == "en"  # the language ends with the grading
    tests = {t.function: t for t in report.tests}
    corr2d = tests["corr2d"]
    assert corr2d.score < corr2d.max_score
    assert "먼저 살펴볼 실패한 케이스:" in corr2d.feedback
    assert "  케이스 " in corr2d.feedback
    assert "짐작되는 실수: 커널이 뒤집혀 있습니다." in corr2d.feedback
    assert "likely mistake" not in corr2d.feedback and "checks passed" not in corr2d.feedback
    assert all(t.feedback.startswith("검사 ") for t in report.tests), \
        [t.feedback.splitlines()[0] for t in report.tests]
    assert tests["corr1d"].feedback.endswith("모두 통과")
