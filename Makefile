# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# nbgrader starts helper commands (alembic, jupyter) by name: they must come from the venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: test demo bench reference clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest

demo: $(STAMP)
	$(PY) -m autograder demo

bench: $(STAMP)
	$(PY) scripts/bench.py

reference: $(STAMP)
	@for a in $$($(PY) -c "from autograder.course import load_course; print(' '.join(a.id for a in load_course().assignments))"); do \
		$(PY) -m autograder grade --reference --assignment $$a || exit 1; done

clean:
	rm -rf release submitted autograded feedback gradebook.db demo_course build dist *.egg-info
