"""The a1-a3 registry entries speak the course's language: their mistake explanations, case notes
and refusal reasons are Messages, said in Korean under language("ko") and exactly as before in
English. Catalogue: autograder/locale/ko/LC_MESSAGES/registry_a1_a3.po.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from babel.messages.extract import extract_from_file

from autograder.diagnose import diagnose
from autograder.i18n import Message, catalog, language
from autograder.registry import a1_output_size, a2_correlation, a3_multichannel
from course_helpers import load_solution

ROOT = Path(__file__).resolve().parents[1]
MODULES = (a1_output_size, a2_correlation, a3_multichannel)
RTOL, ATOL = 1e-7, 1e-9  # Grading()'s defaults


def _lines(function, assignment, args, got, kwargs=None):
    """diagnose()'s feedback lines for a student who returned `got` on reference(*args)."""
    reference = load_solution(assignment)
    expected = getattr(reference, function)(*args, **(kwargs or {}))
    return diagnose(function, reference, args, kwargs or {}, expected, got, RTOL, ATOL)


def _said(function, assignment, args, got, kwargs=None):
    """The feedback lines in Korean and in English (the same call outside any language block)."""
    with language("ko"):
        ko = _lines(function, assignment, args, got, kwargs)
    return " | ".join(ko), " | ".join(_lines(function, assignment, args, got, kwargs))


# ----------------------------------------------------------------------------- a few mistakes


def test_a1_off_by_one_formula():
    ko, en = _said("conv_output_length", "a1_output_size", (28, 3), 25)
    assert "크기가 1 작습니다" in ko and "커널의 첫 위치도 셉니다" in ko
    assert "floor((n + 2p - d(k-1) - 1) / s) + 1" in ko  # the formula stays as it is
    assert "too small" not in ko
    assert en == ("likely mistake: the size is one too small: the formula ends with + 1 (the "
                  "kernel's first position counts too): floor((n + 2p - d(k-1) - 1) / s) + 1")


def test_a1_invalid_input_not_refused():
    """The explanation is two Messages: the mistake and how to refuse (a field of it)."""
    reference = load_solution("a1_output_size")
    args = (3, 5)  # the kernel is longer than the input: ValueError is the answer
    with language("ko"):
        ko = diagnose("conv_output_length", reference, args, {}, None, -1, RTOL, ATOL)
    en = diagnose("conv_output_length", reference, args, {}, None, -1, RTOL, ATOL)
    assert "잘못된 입력을 거부하지 않았습니다" in ko[0] and "ValueError를 발생시키세요" in ko[0]
    assert en == ["likely mistake: invalid input is not refused: the formula's value came back. "
                  "Raise ValueError when n, k, stride or dilation is below 1, padding is negative, "
                  "or the result is below 1 (the kernel does not fit)."]


def test_a2_flipped_kernel():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(5, 6)), np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 7.0]])
    got = load_solution("a2_correlation").corr2d(x, w[::-1, ::-1])
    ko, en = _said("corr2d", "a2_correlation", (x, w), got)
    assert "corr2d는 w를 뒤집지 않고 그대로 밀면서 계산합니다" in ko
    assert "convolve2d뿐입니다" in ko
    assert "slides w as it is" not in ko
    assert "corr2d slides w as it is; only convolve2d flips it." in en
    assert en.startswith("likely mistake: the kernel is flipped.")


def test_a3_channels_not_summed():
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=(3, 5, 6)), rng.normal(size=(3, 2, 3))
    got = a3_multichannel._per_channel(load_solution("a3_multichannel"), x, w)
    ko, en = _said("corr2d_multi_in", "a3_multichannel", (x, w), got)
    assert "채널을 더하지 않았습니다" in ko and "(OH, OW) 맵 하나로" in ko
    assert en == ("likely mistake: the channels are not summed: each input channel is correlated "
                  "with its kernel channel, and the C results are ADDED into one (OH, OW) map.")


def test_a3_bias_missing():
    rng = np.random.default_rng(5)
    x, w, b = rng.normal(size=(2, 3, 5, 6)), rng.normal(size=(4, 3, 2, 3)), rng.normal(size=4)
    got = load_solution("a3_multichannel").conv2d_forward(x, w, 0 * b, stride=1, padding=1)
    ko, en = _said("conv2d_forward", "a3_multichannel", (x, w, b), got,
                   dict(stride=1, padding=1))
    assert "편향이 빠졌습니다: 출력 채널 f의 모든 픽셀에 b[f]를 더하세요." in ko
    assert en == ("likely mistake: the bias is missing: add b[f] to every pixel of output "
                  "channel f.")


def test_a3_summed_over_another_axis_says_the_axes_in_korean():
    sums = [m for m in a3_multichannel.FUNCTIONS[2].mistakes if m.name == "summed over the rows"]
    with language("ko"):
        ko = str(sums[0].explanation)
    assert "채널별 항(배치, 필터, 채널, 행, 열)의 합을 축 2(채널) 대신 축 3(행) 방향으로" in ko
    assert str(sums[0].explanation).startswith(
        "the sum runs over axis 3 (rows) of the per-channel terms (batch, filters, channels, rows, "
        "columns) instead of axis 2 (channels)")


def test_a3_layer_off_by_one_keeps_its_blank():
    """_LAYER_SIZE is filled in with how the output is off ({off}) when it is said."""
    off = [m for m in a3_multichannel.FUNCTIONS[2].mistakes if m.name == "off by one"][0]
    assert isinstance(off.explanation, Message)
    with language("ko"):
        ko = off.explanation.format(off="X")
    assert ko.startswith("출력 크기가 하나 차이 납니다(X): OH = (H + 2*padding - KH) // stride + 1")
    assert off.explanation.format(off="X") == (
        "the output is X: OH = (H + 2*padding - KH) // stride + 1, and the same for OW.")


def test_refusal_reasons_and_notes():
    rng = np.random.default_rng(0)
    cases = a2_correlation.FUNCTIONS[1].cases(rng, 2)  # corr2d
    refusals = [c for c in cases if c.expect_error]
    with language("ko"):
        said = [str(c.note) for c in refusals]
        notes = [str(c.note) for c in cases if c.note]
    assert said == ["모양이 (2, 4)인 커널은 모양이 (3, 3)인 입력에 들어가지 않습니다",
                    "모양이 (6, 2)인 커널은 모양이 (5, 3)인 입력에 들어가지 않습니다"]
    assert [str(c.note) for c in refusals] == ["the kernel (2, 4) does not fit the input (3, 3)",
                                               "the kernel (6, 2) does not fit the input (5, 3)"]
    assert "강의에서 풀어 본 예" in notes and "입력만큼 큰 커널" in notes

    a3 = a3_multichannel.FUNCTIONS[0].cases(np.random.default_rng(0), 1)
    with language("ko"):
        assert str(a3[-1].note) == "x (2, 4, 5)의 채널은 2개인데 w (3, 2, 2)의 채널은 3개입니다"
    assert str(a3[-1].note) == "x (2, 4, 5) has 2 channels but w (3, 2, 2) has 3"


# ----------------------------------------------------------------------------- nothing left out


def _messages_of_these_files() -> set[str]:
    """Every Message(...) id written in the three registry files (what Babel extracts)."""
    found: set[str] = set()
    for module in MODULES:
        path = ROOT / "autograder" / "registry" / f"{module.__name__.split('.')[-1]}.py"
        for _, message, _, _ in extract_from_file("python", str(path),
                                                  keywords={"Message": None}):
            assert isinstance(message, str)  # Message(...) has one id, never a plural
            found.add(message)
    return found


def _messages_in(said: Message) -> list[Message]:
    """said and every Message among its fields (a field may itself be a Message), depth first."""
    found = [said]
    for value in said.fields.values():
        if isinstance(value, Message):
            found += _messages_in(value)
    return found


def test_every_message_of_these_files_is_translated():
    ours = _messages_of_these_files()
    assert len(ours) > 70
    korean = catalog("ko")
    missing = sorted(m for m in ours if not korean.get(m) or korean.get(m) == m)
    assert not missing, missing


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.split(".")[-1])
def test_every_explanation_and_note_is_a_message_said_in_korean(module):
    """Each entry's mistake explanations and the notes of its own cases (a3's conv2d_forward takes
    its cases from cases.layer_cases) are Messages; those written here (and the words these files
    pass into a family, e.g. slides_as_is) read differently in Korean."""
    ours = _messages_of_these_files()
    checked = 0
    for entry in module.FUNCTIONS:
        for mistake in entry.mistakes:
            assert isinstance(mistake.explanation, Message), (entry.name, mistake.name)
            for said in _messages_in(mistake.explanation):
                if said.msgid in ours:
                    with language("ko"):
                        ko = said.format(off="X")
                    assert ko != said.english().replace("{off}", "X"), (entry.name, mistake.name)
                    checked += 1
        if entry.cases.__module__ != module.__name__:
            continue
        for case in entry.cases(np.random.default_rng(1), 6):
            if case.note == "":  # a random case says nothing
                continue
            assert isinstance(case.note, Message), (entry.name, case.note)
            assert case.note.msgid in ours
            with language("ko"):
                ko = str(case.note)
            assert ko != case.note.english(), (entry.name, ko)
            checked += 1
    assert checked > 10
