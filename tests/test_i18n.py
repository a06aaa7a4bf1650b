"""The grader's messages in the course's language (autograder/i18n.py, scripts/messages.py).

1. The catalogues: every message the code says has a Korean translation with the same fields,
   none is stale, every marked message is a plain string Babel can extract; and the check that
   says so fails for a message without a translation.
2. Saying a message: the language of a block, nested messages, threads that do not share it.
3. Feedback as a Korean student reads it: every buggy submission of the corpus, judged in
   Korean, gets feedback with no English sentence left in it.
"""
from __future__ import annotations

import re
import sys
import threading

import pytest
from babel.messages.catalog import Catalog

from autograder import i18n
from autograder.checks import build_checks, derive_seed
from autograder.course import STUDENT_API
from autograder.i18n import Message, _, _n, language
from course_helpers import ROOT, buggy_submission, load_module

sys.path.insert(0, str(ROOT / "scripts"))
import messages  # noqa: E402

HANGUL = re.compile(r"[\uac00-\ud7a3]")


# ----------------------------------------------------------------------------- 1. the catalogues

def test_every_message_of_the_grader_has_a_korean_translation_with_the_same_fields():
    problems = messages.problems(messages.extract(), messages.translations_of("ko"), "ko")
    assert not problems, "run make messages, then translate:\n" + "\n".join(problems[:40])


def test_every_marked_message_is_a_plain_string():
    assert messages.not_literal() == []


def test_the_check_names_a_message_without_a_translation_or_with_other_fields(tmp_path):
    package = tmp_path / "autograder"
    package.mkdir()
    (package / "new.py").write_text(
        "from .i18n import _, Message\n"
        "a = _('a message nobody has translated yet')\n"
        "b = Message('the kernel {name} is flipped', name='w')\n"
        "c = _(f'not {a} extractable')\n")
    template = messages.extract(package)
    translations = Catalog(locale="ko")
    translations.add("the kernel {name} is flipped", "커널 {이름}이 뒤집혔습니다")
    translations.add("a message no longer said", "더 이상 쓰지 않는 메시지")
    problems = "\n".join(messages.problems(template, translations, "ko"))
    assert "no translation of 'a message nobody has translated yet'" in problems
    assert "has the fields ['이름'], the English ['name']" in problems
    assert "'a message no longer said' is translated but no longer said" in problems
    assert messages.not_literal(package) == ["autograder/new.py:4: _(...) needs a plain string message"]


# ----------------------------------------------------------------------------- 2. saying a message

@pytest.fixture
def catalogue(tmp_path, monkeypatch):
    """A Korean catalogue of a few messages of this test's own, in place of the real one."""
    folder = tmp_path / "ko" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "autograder.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "the kernel is flipped. {why}"\nmsgstr "커널이 뒤집혔습니다. {why}"\n\n'
        'msgid "{function} slides w as it is."\nmsgstr "{function}은(는) w를 그대로 밉니다."\n\n'
        'msgid "{n} case failed"\nmsgid_plural "{n} cases failed"\nmsgstr[0] "{n}개 사례 실패"\n\n'
        '#, fuzzy\nmsgid "a guess"\nmsgstr "추측"\n\n'
        'msgid "not yet"\nmsgstr ""\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.catalog.cache_clear()
    yield
    i18n.catalog.cache_clear()


def test_a_message_is_said_in_the_language_of_the_block_around_it(catalogue):
    said = Message("the kernel is flipped. {why}",
                   why=Message("{function} slides w as it is.", function="corr2d"))
    assert str(said) == "the kernel is flipped. corr2d slides w as it is."
    with language("ko"):
        assert str(said) == "커널이 뒤집혔습니다. corr2d은(는) w를 그대로 밉니다."
        assert _n("{n} case failed", "{n} cases failed", 3, n=3) == "3개 사례 실패"
        assert _("a guess") == "a guess" and _("not yet") == "not yet"  # fuzzy, empty: English
        assert said.english() == "the kernel is flipped. corr2d slides w as it is."
    assert _n("{n} case failed", "{n} cases failed", 1, n=1) == "1 case failed"
    assert i18n.current() == "en"


def test_threads_do_not_share_a_language(catalogue):
    seen = {}

    def other():
        seen["other"] = _("the kernel is flipped. {why}", why="!")

    with language("ko"):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        seen["here"] = _("the kernel is flipped. {why}", why="!")
    assert seen == {"other": "the kernel is flipped. !", "here": "커널이 뒤집혔습니다. !"}


def test_an_unknown_language_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown language 'fr'; the grader speaks en, ko"), language("fr"):
        pass


# ----------------------------------------------------------------------------- 3. Korean feedback

CORPUS = sorted((ROOT / "tests" / "submissions" / "buggy").glob("*.py"))
# Four or more English words in a row is a sentence left untranslated. Code, names and
# numbers do not count: a token with a digit, "_", ".", "(", "[" or "'" breaks the run.
ENGLISH_RUN = re.compile(r"(?<![\w.'`(\[])(?:[A-Za-z][a-z]+ ){3,}[A-Za-z][a-z]+(?![\w.(\['`])")


def english_runs(text: str) -> list[str]:
    text = re.sub(r"`[^`]*`", "", text)  # code in backticks is code in any language
    # what the student's code raised is Python's words, not the grader's: "IndexError: index 2 ..."
    text = re.sub(r"(?m)\b[A-Z]\w*(?:Error|Exception|Warning|Interrupt|Exit)\b: .*$", "", text)
    return [m.group(0) for m in ENGLISH_RUN.finditer(text)]


def test_the_detector_finds_an_english_sentence_and_lets_code_through():
    assert english_runs("likely mistake: the kernel is flipped") == ["the kernel is flipped"]
    assert english_runs("짐작되는 실수: 커널이 뒤집혔습니다 (w[::-1], np.asarray(x, dtype=float))") == []
    assert english_runs("사례 2/8 (the kernel as large as the input): x (5, 7) float64") == \
        ["kernel as large as the input"]
    assert english_runs("함수에서 오류가 났습니다: IndexError: index 2 is out of bounds for axis 0") == []


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_a_korean_student_reads_no_english_sentence_in_the_feedback(path, tmp_path, course,
                                                                      references, in_process):
    """Every line a student reads for a failing check (the case label and the feedback) of each
    buggy submission, said in Korean."""
    doc = dict(re.findall(r"^(assignment|function): (.+)$", path.read_text().split('"""')[1],
                          flags=re.M))
    assignment, function = doc["assignment"], doc["function"]
    module = load_module(buggy_submission(path, tmp_path), f"_ko_{path.stem}")
    seed = derive_seed(None, "corpus", assignment, function)
    with language("ko"):
        checks = build_checks(assignment, function, references[assignment], seed, course.grading)
        results = [c.judge(in_process(module, c.call)) for c in checks]
    failing = [r for r in results if not r.passed]
    assert failing
    for result in failing:
        text = f"{result.label}\n{result.feedback}"
        assert HANGUL.search(text), text
        assert english_runs(text) == [], f"English left in:\n{text}"
    assert function in STUDENT_API[assignment]


def test_a_note_said_in_korean_is_still_counted_as_its_kind(tmp_path):
    """The class report sorts notes into kinds by the English message they were said from."""
    from autograder.class_report import problem_kind
    from autograder.submission import read_submission

    path = tmp_path / "broken.py"
    path.write_text("def corr2d(x, w)\n    return x\n")
    with language("ko"):
        notes = read_submission(path).problems
    assert notes and HANGUL.search(notes[0])
    assert problem_kind(notes[0], "ko") == "syntax error"
    with language("ko"):
        assert problem_kind(notes[0]) == "syntax error"
        assert i18n.english_of("전혀 상관없는 문장입니다") == "전혀 상관없는 문장입니다"
    assert problem_kind("아무 메시지도 아닌 글", "ko") == "error"
