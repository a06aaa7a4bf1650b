"""The grader's words in the course's language (course.yml `language: en` or `ko`).

Every message a student reads is written once, in English, where it is said:

    _("the kernel is flipped. {why}", why=...)          # a message now, in the current language
    Message("the kernel is flipped. {why}", why=...)       # a message kept as data (registry entries,
                                                        # built at import), said when str() is taken
    _n("{n} case failed", "{n} cases failed", n, n=n)   # one of two forms, by the number n

The English text is the message's id (gettext's msgid); its translations are in one gettext
catalogue per language, autograder/locale/<lang>/LC_MESSAGES/autograder.po, read with Babel. Fields
are named (`{why}`), so a translation may put them in another order; a field that is itself a Message
is said in the same language. `make messages` extracts the ids from the code and adds the new
ones to every catalogue (docs/internals.md, "Messages and languages"); tests/test_i18n.py fails
while a message lacks a translation or a translation's fields differ from the English ones.

Which language: `language(code)` for a block (the engine, nbgrader's TrustedGrades, Gradescope and
the parallel workers wrap each grading in the course's language); English outside any. The
language lives in a ContextVar, so threads and tasks do not see each other's.
"""
from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

Language = Literal["en", "ko"]
LANGUAGES: tuple[Language, ...] = ("en", "ko")
SOURCE_LANGUAGE: Language = "en"  # the language the messages are written in
DOMAIN = "autograder"
LOCALE_DIR = Path(__file__).with_name("locale")

_current: ContextVar[str] = ContextVar("autograder_language", default=SOURCE_LANGUAGE)


def current() -> str:
    """The language messages are said in now."""
    return _current.get()


@contextlib.contextmanager
def language(code: str) -> Iterator[None]:
    """Say every message in `code` inside the block."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; the grader speaks {', '.join(LANGUAGES)}")
    token = _current.set(code)
    try:
        yield
    finally:
        _current.reset(token)


def catalog_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalog(code: str) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    """msgid -> translation for `code` (a (singular, plural) id -> its forms); untranslated and
    fuzzy entries are left out, so they are said in English (and the tests fail)."""
    if code == SOURCE_LANGUAGE:
        return {}
    from babel.messages.pofile import read_po  # only where a translation is needed

    table: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    for path in sorted(catalog_path(code).parent.glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=code):
                if not message.id or message.fuzzy:
                    continue
                key: str | tuple[str, str] = (
                    (message.id[0], message.id[1]) if isinstance(message.id, (list, tuple))
                    else message.id)
                value = tuple(message.string) if isinstance(message.string, (list, tuple)) \
                    else message.string
                if value and all(value if isinstance(value, tuple) else (value,)):
                    table[key] = value
    return table


MIN_TEMPLATE_TEXT = 12  # letters a template must have besides its fields to be recognised


@functools.cache
def _templates(code: str) -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern of a translation, its English msgid), the longest translations first; a field
    matches any words."""
    found = []
    for msgid, said in catalog(code).items():
        english, text = (msgid[0], said[0]) if isinstance(msgid, tuple) else (msgid, said)
        if not isinstance(text, str):
            continue
        pieces = re.split(r"\{[^{}]*\}", text)
        if sum(len(piece.strip()) for piece in pieces) >= MIN_TEMPLATE_TEXT:
            found.append((len(text), re.compile(".+?".join(re.escape(p) for p in pieces), re.S),
                          english))
    return tuple((pattern, english) for _, pattern, english in sorted(found, key=lambda f: -f[0]))


def english_of(text: str) -> str:
    """The English message `text` (said in the current language) was said from, fields left as
    {names}; `text` itself in English or when no message matches. For telling what kind a note is
    (the class report), never for showing it."""
    if current() == SOURCE_LANGUAGE:
        return text
    return next((english for pattern, english in _templates(current()) if pattern.search(text)),
                text)


def _fill(text: str, fields: dict[str, object]) -> str:
    if not fields:
        return text
    return text.format(**{name: str(value) if isinstance(value, Message) else value
                          for name, value in fields.items()})


def _(msgid: str, /, **fields: object) -> str:
    """`msgid` in the current language, its {fields} filled in."""
    said = catalog(current()).get(msgid, msgid)
    return _fill(said if isinstance(said, str) else msgid, fields)


def _n(singular: str, plural: str, n: int, /, **fields: object) -> str:
    """The singular or plural message for the number `n` (Korean has one form for both)."""
    forms = catalog(current()).get((singular, plural))
    if isinstance(forms, tuple) and forms:
        return _fill(forms[0], fields)  # ko: nplurals=1
    return _fill(singular if n == 1 else plural, fields)


def N_(msgid: str, /) -> str:
    """Mark `msgid` for the catalogue without translating it (said later with _(...))."""
    return msgid


class Message:
    """A message kept as data and said in the language current when it is shown: the registry's
    mistake explanations and case notes are built at import, long before a course is read.

    Message("the kernel is flipped. {why}", why=Message("corr2d slides w as it is."))
    str(...) -> "the kernel is flipped. corr2d slides w as it is." (or its translation)
    """

    __slots__ = ("msgid", "fields")

    def __init__(self, msgid: str, /, **fields: object) -> None:
        self.msgid = msgid
        self.fields = fields

    def __str__(self) -> str:
        return _(self.msgid, **self.fields)

    def format(self, **more: object) -> str:
        """Said, with more fields filled in than the Message carries ({off} of an off-by-one)."""
        return _(self.msgid, **{**self.fields, **more})

    def english(self) -> str:
        """The message in English, whatever the current language (logs, the instructor's view)."""
        with language(SOURCE_LANGUAGE):
            return str(self)

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}{''.join(f', {k}={v!r}' for k, v in self.fields.items())})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.msgid, self.fields) == (other.msgid, other.fields)

    def __hash__(self) -> int:
        return hash((self.msgid, tuple(sorted((k, repr(v)) for k, v in self.fields.items()))))

    def __add__(self, other: object) -> str:
        return str(self) + str(other)

    def __radd__(self, other: object) -> str:
        return str(other) + str(self)
