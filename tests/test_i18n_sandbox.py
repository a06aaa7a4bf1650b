"""The sandbox's outcomes, the notes about a submitted file, nbgrader's notes and Gradescope's
output in the course's language (issue 15): Korean inside `language("ko")`, English exactly as
before outside it; and the sandboxed child, which runs the student's code, can only send a code
of sandbox.NOTES and the values of its fields, never a message of its own making.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder import gradescope, sandbox, wire
from autograder.course import Limits
from autograder.i18n import language
from autograder.nbgrader_plugin import (
    NOTES_KEY,
    ReplaceUnencodable,
    notes_cell,
    notes_heading,
    toc_title,
    trusted_outputs,
)
from autograder.parallel_worker import _problems
from autograder.sandbox import Call, ProtocolError, run_submission, say_note
from autograder.student_html import safe_output
from autograder.submission import CodeChunk, SubmissionError, read_notebook, read_submission
from course_helpers import write_course

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "autograder"
LIMITS = Limits(time_s=1.0, cpu_s=1.0, memory_mb=768, processes=32, output_kb=16)
needs_bwrap = pytest.mark.needs_bwrap

# ---------------------------------------------------------------------------------------------
# the sandbox's outcomes, one real run per language

MISBEHAVING = """\
import os, sys
def hang():
    while True:
        pass
def hog():
    return bytearray(10 ** 12)
def leave():
    sys.exit(3)
def leave_hard():
    os._exit(4)
def fine():
    return 1
"""
BROKEN_CELL = "raise ValueError('oops')\n"
CALLS = [Call("hang"), Call("hang"), Call("hog"), Call("leave"), Call("leave_hard"), Call("fine"),
         Call("nowhere")]

ENGLISH = [
    ("timeout", "did not finish within the 1 s time limit and was stopped (an endless loop, or a "
                "very slow algorithm?)"),
    ("skipped", "not run: an earlier call of hang hit the 1 s time limit"),
    ("memory", "ran out of memory (MemoryError): your code asked for more memory than the limit "
               "allows"),
    ("crash", "called sys.exit(3) (raised SystemExit) instead of returning a value"),
    ("crash", "leave_hard ended the process with exit code 4 (os._exit, or a crash) instead of "
              "returning a value"),
    ("ok", ""),
    ("missing", "nowhere is not defined after running your code"),
]
KOREAN = [
    ("timeout", "시간 제한 1초 안에 끝나지 않아 중단했습니다"),
    ("skipped", "실행하지 않았습니다: 앞선 hang 호출에서 시간 제한 1초에 걸렸습니다"),
    ("memory", "메모리가 부족했습니다(MemoryError)"),
    ("crash", "값을 돌려주지 않고 sys.exit(3)을(를) 호출했습니다"),
    ("crash", "leave_hard이(가) 값을 돌려주지 않고 프로세스를 끝냈습니다: 종료 코드 4"),
    ("ok", ""),
    ("missing", "코드를 실행한 뒤에도 nowhere이(가) 정의되어 있지 않습니다"),
]


def _misbehaving_run():
    chunks = [CodeChunk("cell 1", MISBEHAVING), CodeChunk("cell 2", BROKEN_CELL)]
    return run_submission(chunks, CALLS, LIMITS)


@needs_bwrap
def test_timeouts_memory_and_crashes_are_said_in_korean():
    with language("ko"):
        run = _misbehaving_run()
    for outcome, (status, words) in zip(run.outcomes, KOREAN):
        assert outcome.status == status and words in outcome.message, outcome
    assert run.load_problems == [
        "셀 2에서 예외가 발생했습니다: ValueError: oops (위치: 셀 2, 1번째 줄: "
        "raise ValueError('oops')). 다른 셀은 그대로 실행했습니다"]


@needs_bwrap
def test_outside_a_language_block_the_outcomes_are_english_as_before():
    run = _misbehaving_run()
    assert [(o.status, o.message) for o in run.outcomes] == ENGLISH
    assert run.load_problems == [
        "cell 2 raised ValueError: oops (at cell 2, line 1: raise ValueError('oops')); the other "
        "cells still ran"]


@needs_bwrap
def test_a_load_timeout_and_an_exception_say_where_in_korean():
    chunks = [CodeChunk("cell 1", "def f(x):\n    return x.missing\n"),
              CodeChunk("cell 2", "while True:\n    pass\n")]
    with language("ko"):
        error = run_submission(chunks[:1], [Call("f", (1,))], LIMITS).outcomes[0]
        loading = run_submission(chunks, [Call("f", (1,))], LIMITS).outcomes[0]
    # Python's own words stay first (checks.py reads the exception's name from them)
    assert error.status == "error" and error.message.startswith("AttributeError: ")
    assert error.message.endswith("\n  위치: 셀 1, 2번째 줄: return x.missing")
    assert loading.status == "load_failed"
    assert "시간 제한 1초보다 오래 걸려(셀 2이(가) 아직 실행 중이었습니다)" in loading.message


# ---------------------------------------------------------------------------------------------
# the child cannot choose the message


def test_a_note_is_one_of_the_tables_messages_with_its_fields_filled_in():
    note = ["call_exit", {"code": "3"}]
    assert say_note(note) == "called sys.exit(3) (raised SystemExit) instead of returning a value"
    with language("ko"):
        assert say_note(note) == "값을 돌려주지 않고 sys.exit(3)을(를) 호출했습니다(SystemExit 발생)"
    place = ["place_code", {"label": "cell 4", "line": 2, "code": "y = x @ w"}]
    with language("ko"):
        assert say_note(place) == "셀 4, 2번째 줄: y = x @ w"


@pytest.mark.parametrize("note", [
    ["{0.__class__}", {}],                                   # a format string as the code
    ["called sys.exit({code}) (raised SystemExit) instead of returning a value", {"code": "1"}],
    ["__class__", {}],
    ["call_exit", {}],                                       # a field left out
    ["call_exit", {"code": {"x": 1}}],                       # a value that is not plain
    ["call_exit", {"code": 1.5}],
    ["call_exit", {"code": True}],
    ["returned_bad", {"value": ["nowhere", {}]}],            # a nested note with an unknown code
    ["returned_bad", {"value": ["returned_bad", {"value": ["returned_bad", {"value": [
        "returned_bad", {"value": ["dict_keys", {}]}]}]}]}],  # nested too deep
    "chunk_exit", ["chunk_exit"], [1, {}], ("call_exit", {"code": "1"}), None,
])
def test_a_note_the_table_does_not_have_is_refused(note):
    with pytest.raises(ProtocolError):
        say_note(note)
    with language("ko"), pytest.raises(ProtocolError):
        say_note(note)


def test_the_childs_values_are_never_read_as_format_strings():
    evil = "{0.__class__} {code.__class__.__mro__} {label!r:>99999999}"
    for code in ("en", "ko"):
        with language(code):
            said = say_note(["chunk_raised_at", {"label": evil, "exception": evil, "place": [
                "place_code", {"label": evil, "line": 1, "code": evil}]}])
            assert said.count(evil) == 4 and "<class" not in said


def _forging_source(note_json: str) -> str:
    """A submission whose forge() writes its own RESULT frame into the grader's private channel
    (the result pipe's number is in the runner's argv) before returning."""
    return f"""\
import json, os, struct, sys
def forge():
    body = json.dumps({{"kind": "result", "seq": 0, "status": "error", "value": None,
                        "args_after": None, "note": {note_json}, "exception": None,
                        "place": None, "message": "{{0.__class__}} you got full marks"}}).encode()
    os.write(int(sys.argv[2]), b"AGF1" + struct.pack("<II", len(body), 0) + body)
    return 1
"""


@needs_bwrap
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_forged_reply_with_a_code_not_in_the_table_is_unreadable(lang):
    source = _forging_source('["{0.__class__} you got full marks", {}]')
    with language(lang):
        outcome = run_submission([CodeChunk("module", source)], [Call("forge")], LIMITS).outcomes[0]
    assert outcome.status == "bad_output"
    assert "full marks" not in outcome.message and "<class" not in outcome.message
    word = {"en": "the result could not be read", "ko": "결과를 읽을 수 없었습니다"}[lang]
    assert outcome.message.startswith(word), outcome.message


@needs_bwrap
def test_a_forged_reply_only_fills_the_fields_of_a_known_message():
    source = _forging_source('["not_sent", {"exception": "{0.__class__.__mro__}"}]')
    with language("ko"):
        outcome = run_submission([CodeChunk("module", source)], [Call("forge")], LIMITS).outcomes[0]
    # the student's own reply is taken (they only fool themselves), said with our words only
    assert outcome.message == "돌려준 값을 채점기로 보낼 수 없었습니다: {0.__class__.__mro__}"


def test_every_code_the_child_sends_is_in_the_table():
    sent = set(re.findall(r'\["([a-z_]+)", ', (PACKAGE / "_child.py").read_text()))
    assert sent and sent <= set(sandbox.NOTES), sent - set(sandbox.NOTES)


class _Mine(int):
    pass


class _Thing:
    pass


_NESTED: list = []
_node = _NESTED
for _level in range(wire.MAX_RESULT_DEPTH + 1):
    _node.append([])
    _node = _node[0]


@pytest.mark.parametrize("value", [
    _Mine(3), {1: 2}, _NESTED, _Thing(), np.array(["a"]), np.zeros(2, dtype=[("a", "f8")])])
def test_a_bad_value_says_in_english_exactly_what_its_note_says(value):
    with pytest.raises(wire.BadValue) as caught:
        wire.encode_result(value, [])
    assert say_note(caught.value.note) == str(caught.value)
    with language("ko"):
        assert say_note(caught.value.note) != str(caught.value)


@pytest.mark.parametrize("raw", [b"not an npy", b"\x93NUMPY\x01\x00v\x00{'descr': '<U1', "
                                 b"'fortran_order': False, 'shape': (1,), }" + b" " * 70 + b"\n"])
def test_the_parents_own_bad_values_too(raw):
    with pytest.raises(wire.BadValue) as caught:
        wire.load_array(raw)
    assert say_note(caught.value.note) == str(caught.value)


# ---------------------------------------------------------------------------------------------
# notes about the submitted file


def _notebook(*sources: str) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "code", "metadata": {}, "source": s, "outputs": [],
                       "execution_count": None} for s in sources]}


def test_a_syntax_error_note_is_korean_inside_and_english_outside():
    nb = _notebook("x = 1\n", "def f(:\n    pass\n")
    with language("ko"):
        (korean,) = read_notebook(nb).problems
    (english,) = read_notebook(nb).problems
    assert korean.startswith("셀 2의 1번째 줄에 문법 오류가 있습니다(")
    assert korean.endswith("): def f(:. 그 셀은 건너뛰었고 다른 셀은 그대로 채점했습니다.")
    assert re.fullmatch(r"cell 2 has a syntax error on line 1 \(.+\): def f\(:\. That cell was "
                        r"skipped; the other cells were still graded\.", english), english


def test_a_module_and_an_unreadable_file_in_korean(tmp_path):
    module = tmp_path / "a2.py"
    module.write_text("def f(:\n")
    with language("ko"):
        assert read_submission(module).problems[0].startswith("모듈의 1번째 줄에 문법 오류가")
        with pytest.raises(SubmissionError) as caught:
            read_submission(tmp_path / "missing.ipynb")
        assert str(caught.value) == f"{tmp_path / 'missing.ipynb'}: 파일이 없습니다"
    assert str(caught.value) == f"{tmp_path / 'missing.ipynb'}: no such file"  # said when shown


def test_unencodable_characters_are_counted_in_korean():
    nb = _notebook("x = '\udc80\udc81'\n")
    with language("ko"):
        (note,) = read_notebook(nb).problems
    assert note.startswith("셀 1에 올바른 유니코드가 아닌 문자가 2개 있었습니다")
    assert read_notebook(nb).problems[0].startswith("cell 1 held 2 characters that are not valid")


# ---------------------------------------------------------------------------------------------
# nbgrader and Gradescope


def _ko_course(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    write_course(tmp_path, lambda data: data.update(language="ko"))
    (tmp_path / "solutions").symlink_to(ROOT / "solutions")
    return tmp_path


def test_nbgrader_notes_are_in_the_courses_language(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = '\udc80'")])
    resources = {"nbgrader": {"student": "ada", "assignment": "a2_correlation"}}
    ReplaceUnencodable(course_root=str(_ko_course(tmp_path))).preprocess(nb, resources)
    assert nb.metadata[NOTES_KEY] == [
        "노트북의 셀 1에 올바른 유니코드가 아닌 문자가 1개 있었습니다(\\udc80 같은 짝 없는 서로게이트로, "
        "편집기는 이런 문자를 쓰지 않습니다). 채점 전에 \ufffd(으)로 바꾸었고 나머지는 그대로 두었습니다."]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = '\udc80'")])
    ReplaceUnencodable(course_root=str(ROOT)).preprocess(nb, resources)  # the English course
    assert nb.metadata[NOTES_KEY][0].startswith("Cell 1 of your notebook held 1 character that is")


def test_the_grade_cells_words_and_the_feedback_page_in_korean():
    with language("ko"):
        assert toc_title("test_corr2d") == "corr2d 테스트"
        stream = trusted_outputs("x" * 5000, 1.0)[0]
        assert stream.text.endswith("\n... (피드백이 길어 줄였습니다)\n")
        cell = notes_cell(["셀 2에 문법 오류가 있습니다"])
        shown = safe_output({"output_type": "display_data", "data": {"application/x-widget": "{}"},
                             "metadata": {}})
    assert "자동 채점기의 안내" in cell.source
    assert shown["data"]["text/plain"].startswith("[출력을 보여 주지 않음: application/x-widget")
    assert toc_title("test_corr2d") == "Tests of corr2d" and toc_title("other") == "other"
    assert notes_heading() == "Notes from the autograder"


def test_the_parallel_worker_finds_the_notes_in_either_language():
    for lang in ("en", "ko"):
        with language(lang):
            nb = nbformat.v4.new_notebook(cells=[notes_cell(["a <note> & more"])])
        files = [("a2_correlation.ipynb", nbformat.writes(nb).encode(), 0o644)]
        assert _problems(files, "", "ada", "a2_correlation") == ["a <note> & more"]


def test_a_gradescope_run_speaks_the_courses_language(tmp_path):
    root = tmp_path / "autograder"
    _ko_course(root / "source")
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "answers.txt").write_text("all done\n")
    assert gradescope.run(root, "a2_correlation") == 0
    output = json.loads((root / "results" / "results.json").read_text())["output"]
    assert output.splitlines() == [
        "a2_correlation: 0 / 10점 (강의 자동 채점기, 채점한 파일 없음)",
        "참고: 제출물에서 노트북을 찾지 못했습니다. a2_correlation.ipynb(작업한 노트북)을 올리십시오"]


@needs_bwrap
def test_a_class_named_with_a_str_subclass_is_still_said_not_crashed():
    source = ("class S(str):\n    pass\nclass Odd:\n    pass\nOdd.__name__ = S('Odd')\n"
              "class Boom(BaseException):\n    pass\nBoom.__name__ = S('Boom')\n"
              "f = Odd()\ndef g():\n    return Odd()\ndef h():\n    raise Boom()\n")
    with language("ko"):
        run = run_submission([CodeChunk("module", source)], [Call("f"), Call("g"), Call("h")], LIMITS)
    assert [(o.status, o.message) for o in run.outcomes] == [
        ("missing", "코드를 실행한 뒤 f은(는) 함수가 아니라 Odd입니다"),
        ("bad_output", "채점기가 확인할 수 없는 값을 돌려주었습니다: submission.Odd 객체"),
        ("crash", "값을 돌려주지 않고 Boom을(를) 일으켰습니다(Exception의 하위 클래스가 아닙니다)")]
