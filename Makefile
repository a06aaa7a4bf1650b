# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# nbgrader starts helper commands (alembic, jupyter) by name: they must come from the venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: test test-fast lint notebooks messages demo fonts bench reference clean sandbox

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The grading sandbox is bubblewrap. Missing, it is installed here when we can (root with
# apt-get, as in CI); otherwise one line says what to run. Then the grader's own probe must agree
# that it isolates (namespaces allowed), or the same one line says why not.
sandbox: $(STAMP)
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make: installing bubblewrap (the grading sandbox) with apt-get"; \
	    { apt-get install -y -qq bubblewrap || { apt-get update -qq && apt-get install -y -qq bubblewrap; }; } >/dev/null 2>&1 \
	      || { echo "make: could not install bubblewrap; run: apt-get update && apt-get install -y bubblewrap" >&2; exit 1; }; \
	  else \
	    echo "make: the grading sandbox needs bubblewrap; run: sudo apt-get install bubblewrap" >&2; exit 1; \
	  fi; }
	@$(PY) -c "import sys; from autograder import isolation; p = isolation.probe(); \
	  sys.exit(0 if p.usable else 'make: the grading sandbox cannot run: ' + p.reason)"

# The Korean edition's pictures need a Korean font (NanumGothic from apt's fonts-nanum). Installed
# here when we can (root with apt-get, as in CI); otherwise one line says what to run, and the
# pictures show boxes for Korean letters until it is installed (nothing else needs it).
fonts:
	@ls /usr/share/fonts/truetype/nanum/NanumGothic*.ttf >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make: installing fonts-nanum (Korean letters in the pictures) with apt-get"; \
	    { apt-get install -y -qq fonts-nanum || { apt-get update -qq && apt-get install -y -qq fonts-nanum; }; } >/dev/null 2>&1 \
	      || echo "make: could not install fonts-nanum; run: apt-get update && apt-get install -y fonts-nanum" >&2; \
	  else \
	    echo "make: for Korean letters in the pictures run: sudo apt-get install fonts-nanum" >&2; \
	  fi; }

# Two test files at a time (pytest-xdist): 12 minutes become 8 on 2 cores. --dist loadfile keeps a
# file's tests in one worker, so each module's end-to-end class is graded once. `pytest` alone still
# runs everything in one process.
test: sandbox fonts lint
	$(PY) -m pytest -n 2 --dist loadfile

# The quick loop while working: no end-to-end nbgrader runs and nothing marked slow (< 2 minutes).
test-fast: sandbox
	$(PY) -m pytest -m "not e2e and not slow"

# ruff (lint rules in pyproject.toml; no `ruff format`, see CHANGELOG.md) and mypy
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Rebuild assignments/<id>/<id>.ipynb from the sources notebooks/<id>/<id>.py (points from
# course.yml); `make test` fails while a committed notebook differs from its source.
notebooks: $(STAMP)
	$(PY) scripts/build_notebooks.py

# The grader's messages: extract them from autograder/ (autograder/locale/autograder.pot) and add
# the new ones, untranslated, to every language's catalogue; `make test` fails until they are.
messages: $(STAMP)
	$(PY) scripts/messages.py

# `make demo LANG=ko`: the sample class in the Korean edition (LANG given on make's command line
# picks the edition; the commands themselves then run with LANG=C.UTF-8, a locale every machine has).
ifeq ($(origin LANG),command line)
DEMO_LANGUAGE := $(firstword $(subst _, ,$(subst ., ,$(LANG))))
override LANG := C.UTF-8
else
DEMO_LANGUAGE := en
endif

demo: sandbox fonts
	$(PY) -m autograder demo --language $(DEMO_LANGUAGE)

bench: sandbox
	$(PY) scripts/bench.py

reference: sandbox
	@for a in $$($(PY) -c "from autograder.course import load_course; print(' '.join(a.id for a in load_course().assignments))"); do \
		$(PY) -m autograder grade --reference --assignment $$a || exit 1; done

clean:
	rm -rf release submitted autograded feedback gradebook.db demo_course build dist *.egg-info
