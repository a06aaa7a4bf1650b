"""The a4 and a5 registry entries speak the course's language: their mistake explanations, case
notes and refusal reasons are Messages, said in Korean under language("ko") and in the English
they always had outside it (autograder/locale/ko/LC_MESSAGES/registry_a4_a5.po)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from autograder.cases import LAYER_EDGES, LAYER_REFUSALS
from autograder.checks import CallOutcome, build_checks
from autograder.course import Grading
from autograder.diagnose import diagnose, lazy
from autograder.i18n import Message, language
from autograder.registry import REGISTRY, a4_backprop, a5_conv_as_matmul
from course_helpers import load_solution

A4 = load_solution("a4_backprop", prefix="i18n_reference")
A5 = load_solution("a5_conv_as_matmul", prefix="i18n_reference")
RTOL, ATOL = 1e-7, 1e-9
ENTRIES = [*a4_backprop.FUNCTIONS, *a5_conv_as_matmul.FUNCTIONS]


def _mistake(function: str, name: str, index: int = 0):
    return [m for m in REGISTRY[function].mistakes if m.name == name][index]


def _feedback(function, reference, args, mistake, parts=None) -> str:
    """The diagnose lines for a student whose answer is `mistake`'s on `args`."""
    expected = getattr(reference, function)(*args)
    got = mistake.variant(reference, *args)
    if isinstance(got, tuple):  # parts the mistake leaves alone are right
        got = tuple(e if g is None else g for g, e in zip(got, expected))
    return "\n".join(diagnose(function, reference, args, {}, expected, got, RTOL, ATOL, parts))


def _both(function, reference, args, mistake, parts=None) -> tuple[str, str]:
    with language("ko"):
        korean = _feedback(function, reference, args, mistake, parts)
    return korean, _feedback(function, reference, args, mistake, parts)


X1, W1, DY1 = np.array([1.0, 2.0, -1.0, 0.5, 3.0]), np.array([1.0, -2.0, 0.5]), \
    np.array([1.0, 2.0, -1.5])


def test_a4_assign_instead_of_accumulate_is_said_in_korean():
    mistake = _mistake("corr1d_backward", "= instead of +=")
    korean, english = _both("corr1d_backward", A4, (X1, W1, DY1), mistake, ("dx", "dw"))
    assert "그래디언트를 +=로 누적하지 않고 =로 덮어썼습니다" in korean
    assert "overwritten" not in korean
    assert ("the gradient is overwritten with = instead of accumulated with +=: an input element "
            "is used by several outputs, and each of them adds its share.") in english
    assert "그래디언트" not in english


def test_a4_kernel_not_rotated_in_dx_is_said_in_korean():
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(2, 2, 5, 6)), rng.normal(size=(3, 2, 2, 3)), rng.normal(size=3)
    dout = rng.normal(size=(2, 3, 4, 4))
    mistake = _mistake("conv2d_backward", "kernel not flipped in dx")
    korean, english = _both("conv2d_backward", A4, (x, w, b, dout), mistake, ("dx", "dw", "db"))
    assert "dx에서 커널의 방향이 반대입니다" in korean and "180도 회전" in korean
    assert ("dx uses the kernels the wrong way round: dx is a FULL convolution of dout with w (w "
            "rotated by 180 degrees when written as a correlation).") in english
    assert "커널" not in english


def test_a4_one_sided_difference_is_said_in_korean():
    spec = a4_backprop.function_spec(np.random.default_rng(2), "quadratic", (3,))
    x = np.array([0.3, -0.7, 1.1])
    mistake = _mistake("numerical_gradient", "one-sided difference")
    expected = A4.numerical_gradient(a4_backprop.make_function(spec), x, 1e-3)
    got = mistake.variant(A4, spec, x, 1e-3)
    said = {}
    for code in ("ko", "en"):
        with language(code):
            said[code] = "\n".join(diagnose("numerical_gradient", A4, (spec, x, 1e-3), {},
                                            expected, got, 2e-7, 1e-9))
    assert "한쪽 차분 (f(x + h) - f(x)) / h를 썼습니다" in said["ko"] and "중심 차분" in said["ko"]
    assert "this is a one-sided difference (f(x + h) - f(x)) / h; use the central" in said["en"]
    assert "차분" not in said["en"]


def test_a5_im2col_column_order_is_said_in_korean():
    x = np.random.default_rng(3).normal(size=(2, 3, 5, 6))
    mistake = _mistake("im2col", "wrong column order (KH, KW, C)")
    korean, english = _both("im2col", A5, (x, 2, 3), mistake)
    assert "열이 (KH, KW, C) 순서입니다" in korean
    assert ("the columns are in (KH, KW, C) order: flatten each window in (C, KH, KW) order, the "
            "order of w.reshape(F, -1)") in english
    assert "순서" not in english


def test_a5_transposed_matrix_is_said_in_korean():
    w = np.array([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]])
    mistake = _mistake("conv_matrix", "M transposed")
    korean, english = _both("conv_matrix", A5, (w, (4, 5)), mistake)
    assert "M이 전치되어 있습니다" in korean and "M @ x.ravel()" in korean
    assert ("M is transposed: it has one ROW per output pixel and one column per input pixel, "
            "shape (OH*OW, H*W), so that M @ x.ravel() is the output.") in english
    assert "전치" not in english


def test_case_notes_and_refusals_are_said_in_korean():
    notes = [c.note for c in REGISTRY["conv_matrix"].cases(np.random.default_rng(0), 1) if c.note]
    with language("ko"):
        korean = [str(n) for n in notes]
    assert "강의에서 풀어 본 예" in korean and "the lecture's worked example" in [str(n) for n in notes]
    assert "2D가 아닌 w (3,)" in korean
    coarse = [c.note for c in REGISTRY["numerical_gradient"].cases(np.random.default_rng(0), 1)
              if c.note and "0.25" in str(c.note)]
    with language("ko"):
        assert [str(n) for n in coarse] == ["아주 큰 간격 h = 0.25"]
    assert [str(n) for n in coarse] == [f"a coarse step h = {a4_backprop.COARSE_STEP}"]


def _texts(entry):
    """Every explanation and case note of an entry, with where it comes from."""
    for m in entry.mistakes:
        yield f"{entry.name}: mistake {m.name!r}", m.explanation
    for case in entry.cases(np.random.default_rng(5), 6):
        if case.note:
            yield f"{entry.name}: case note {case.note!r}", case.note


# cases.py's shared conv-layer notes are English ids marked with N_ there, said through the
# catalogue (diagnose.lazy); everything written in the a4 and a5 modules is a Message
SHARED = {edge.note for edge in LAYER_EDGES} | {row[0] for row in LAYER_REFUSALS}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_every_explanation_and_note_is_a_message_said_in_korean(entry):
    for where, text in _texts(entry):
        assert isinstance(text, Message) or text in SHARED, f"{where} is not a Message"
        words = lazy(text)
        with language("ko"):
            korean = words.format(off=Message("one {noun}", noun=Message("row")))
        english = words.format(off=Message("one {noun}", noun=Message("row")))
        assert korean != english, f"{where} has no Korean translation"
        assert not re.search(r"\b(the|is|are|axis|axes|columns?|filters|batch)\b", korean), \
            f"{where}: English words left in the Korean: {korean}"


def test_off_by_one_of_the_layer_is_said_in_korean():
    x, w, b = np.ones((1, 2, 5, 6)), np.ones((3, 2, 2, 3)), np.zeros(3)
    expected = A5.conv2d_matmul(x, w, b)
    got = expected[:, :, :-1, :]
    with language("ko"):
        korean = "\n".join(diagnose("conv2d_matmul", A5, (x, w, b), {}, expected, got, RTOL, ATOL))
    english = "\n".join(diagnose("conv2d_matmul", A5, (x, w, b), {}, expected, got, RTOL, ATOL))
    assert "출력 크기가 하나 차이 납니다(행 1개 부족)" in korean and "OW도 같은 방식으로 구합니다" in korean
    assert ("the output is one row short: OH = (H + 2*padding - KH) // stride + 1, and the same "
            "for OW.") in english


def test_axis_words_in_the_db_and_dx_explanations_are_korean():
    db = _mistake("conv2d_backward", "db summed over axes 0 and 1 (batch, filters)")
    dx = _mistake("conv2d_backward", "kernel flipped along axis 2 (rows) only in dx")
    with language("ko"):
        assert "db가 dout을 축 0, 1(배치, 필터)에 대해 합한 값입니다" in str(db.explanation)
        assert "커널을 축 2(행) 방향으로만 뒤집었습니다" in str(dx.explanation)
    assert str(db.explanation).startswith("db is dout summed over axes 0 and 1 (batch, filters): ")
    assert str(dx.explanation).startswith("dx uses the kernels flipped along axis 2 (rows) only: ")


def test_a_check_of_conv_matrix_says_its_refusal_and_a_mistake_in_korean():
    checks = build_checks("a5_conv_as_matmul", "conv_matrix", A5, 1, Grading())
    refusal = next(c for c in checks if c.refusal and "(3,)" in c.label)
    value = next(c for c in checks if not c.refusal and "(a row kernel)" in c.label)
    w, shape = value.call.args
    transposed = A5.conv_matrix(w, shape).T
    with language("ko"):
        refused = refusal.judge(CallOutcome("ok", value=np.zeros(2))).feedback
        mistaken = value.judge(CallOutcome("ok", value=transposed)).feedback
        labels = [c.label for c in build_checks("a5_conv_as_matmul", "conv_matrix", A5, 1,
                                                Grading())]
    assert "(한 행짜리 커널)" in labels[checks.index(value)]
    assert "(이유: 2D가 아닌 w (3,))" in refused
    assert "M이 전치되어 있습니다" in mistaken
    assert "because w (3,) is not 2D" in refusal.judge(CallOutcome("ok", value=np.zeros(2))).feedback
    assert "M is transposed" in value.judge(CallOutcome("ok", value=transposed)).feedback
