"""The grader's message catalogues: extract the English messages, keep every translation in step.

    python scripts/messages.py            # (make messages) write autograder/locale/autograder.pot
                                          # and add new messages to every language's .po, empty
    python scripts/messages.py --check    # exit 1 naming every message without a translation,
                                          # with other fields than the English, or no longer used

A message is the first argument of `_(...)`, `Message(...)`, `N_(...)` or the first two of
`_n(...)` anywhere in autograder/ (autograder/i18n.py says how they are used). Babel does the
extraction and reads and writes the catalogues; this script only says what is missing.
"""
from __future__ import annotations

import argparse
import ast
import io
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.i18n import DOMAIN, LANGUAGES, SOURCE_LANGUAGE  # noqa: E402

KEYWORDS = {"_": None, "Message": None, "N_": None, "_n": (1, 2)}
MARKERS = ("_", "Message", "N_", "_n")
FIELD = re.compile(r"(?<!\{)\{([^\W\d]\w*)(?:[!:][^{}]*)?\}")


def template_path(root: Path = ROOT) -> Path:
    return root / "autograder" / "locale" / f"{DOMAIN}.pot"


def po_path(code: str, root: Path = ROOT) -> Path:
    return root / "autograder" / "locale" / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(package: Path = ROOT / "autograder") -> Catalog:
    """Every message the code says, with where it is said."""
    template = Catalog(project="conv-course-autograder", domain=DOMAIN, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            package, method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        template.add(message, None, [(f"autograder/{filename}", lineno)],
                     auto_comments=comments, context=context,
                     flags=("python-brace-format",) if FIELD.search(
                         message if isinstance(message, str) else message[0]) else ())
    return template


def not_literal(package: Path = ROOT / "autograder") -> list[str]:
    """Calls of _/Message/N_/_n whose message is not a plain string: Babel cannot see those, so
    they would never be translated (an f-string: write "{name}" and pass name=...)."""
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "i18n.py":  # defines the markers; its calls pass their argument on
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in MARKERS):
                texts = node.args[:2] if node.func.id == "_n" else node.args[:1]
                if not texts or not all(isinstance(t, ast.Constant) and isinstance(t.value, str)
                                        for t in texts):
                    found.append(f"{path.relative_to(package.parent)}:{node.lineno}: "
                                 f"{node.func.id}(...) needs a plain string message")
    return found


def fields(text: str) -> set[str]:
    return set(FIELD.findall(text))


def problems(template: Catalog, translations: Catalog, code: str) -> list[str]:
    """One line per message of `template` that `translations` lacks or gets wrong, and per
    translation no message needs any more."""
    out = []
    for message in template:
        if not message.id:
            continue
        singular = message.id if isinstance(message.id, str) else message.id[0]
        where = message.locations[0][0] + ":" + str(message.locations[0][1]) \
            if message.locations else "?"
        have = translations.get(message.id)
        strings: list[str] = [] if have is None else [
            said or "" for said in (have.string if isinstance(have.string, (list, tuple))
                                    else [have.string])]
        if have is None or not strings or not all(strings) or have.fuzzy:
            out.append(f"{code}: no translation of {singular!r} ({where})")
            continue
        want = fields(singular)
        for said in strings:
            if fields(said) != want:
                out.append(f"{code}: the translation of {singular!r} has the fields "
                           f"{sorted(fields(said))}, the English {sorted(want)} ({where})")
    for message in translations:
        if message.id and template.get(message.id) is None:
            singular = message.id if isinstance(message.id, str) else message.id[0]
            out.append(f"{code}: {singular!r} is translated but no longer said; remove it "
                       f"(make messages)")
    return out


def read(path: Path, code: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=code, domain=DOMAIN)


def translations_of(code: str, root: Path = ROOT) -> Catalog:
    """The language's catalogue: autograder.po, plus any other .po beside it (several people
    translating at once each add a file; `make messages` merges them into autograder.po)."""
    path = po_path(code, root)
    merged = read(path, code) if path.is_file() else Catalog(locale=code, domain=DOMAIN)
    for part in sorted(path.parent.glob("*.po")):
        if part != path:
            for message in read(part, code):
                if message.id:
                    merged[message.id] = message
    return merged


HEADER_COMMENT = ("# {what} of the course autograder.\n"
                  "# Written by `make messages` (scripts/messages.py; see autograder/i18n.py).\n"
                  "# Translate the msgstr lines; each msgid is the English the code says.")


def write(catalog: Catalog, path: Path) -> None:
    """`catalog` as a .po (or the .pot), with a header of this project's, not Babel's blanks."""
    catalog.project, catalog.version = "conv-course-autograder", "0.1"
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = "the conv-course-autograder authors"
    if catalog.locale is not None:
        catalog.last_translator = "the course's translators"
        catalog.language_team = str(catalog.locale.get_display_name("en"))
        catalog.revision_date = datetime.now(timezone.utc)
    catalog.header_comment = HEADER_COMMENT.format(
        what=f"{catalog.locale.get_display_name('en')} messages" if catalog.locale is not None
        else "The English messages (template)")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = io.BytesIO()  # written whole or not at all: a failure must not leave half a catalogue
    write_po(text, catalog, width=100, sort_output=False, omit_header=False,
             ignore_obsolete=True, include_previous=False)
    path.write_bytes(text.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming every message a catalogue gets wrong")
    args = parser.parse_args(argv)
    template = extract()
    found = not_literal()
    for code in LANGUAGES:
        if code == SOURCE_LANGUAGE:
            continue
        path = po_path(code)
        translations = translations_of(code)
        if not args.check:
            translations.update(template, no_fuzzy_matching=True)
            write(translations, path)
            for part in path.parent.glob("*.po"):
                if part != path:
                    part.unlink()  # merged into autograder.po
            print(f"wrote {path.relative_to(ROOT)}")
        found += problems(template, translations, code)
    if not args.check:
        write(template, template_path())
        print(f"wrote {template_path().relative_to(ROOT)} ({len(template)} messages)")
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
