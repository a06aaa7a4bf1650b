"""The registry is the one place that knows a graded function: every entry is complete and
readable, and nothing outside it tells functions apart by their names."""
import ast
from pathlib import Path

import numpy as np
import pytest

from autograder import registry
from autograder.diagnose import INTEGER_TRUNCATION, mistakes_for
from autograder.registry import ASSIGNMENT_MODULES, KINDS, REGISTRY, STUDENT_API, graded
from autograder.registry.entry import GradedFunction, Gradients, Param

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"
ENTRIES = list(REGISTRY.values())


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_an_entry_reads_like_the_lecture(entry):
    assert len(entry.summary) > 30, "say what the function computes, in the lecture's words"
    assert all(p.shape for p in entry.params), "every parameter states its shape or type"
    assert entry.returns
    assert entry.kind in KINDS
    assert entry.mistakes, "name the mistakes the feedback can recognise"
    assert all(m.explanation and m.name for m in entry.mistakes)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_an_entry_draws_the_same_cases_for_the_same_seed(entry):
    first = entry.cases(np.random.default_rng(7), 3)
    again = entry.cases(np.random.default_rng(7), 3)
    assert len(first) > 3  # three random cases, then the edge cases
    assert [c.note for c in first] == [c.note for c in again]
    assert repr([c.args for c in first]) == repr([c.args for c in again])


def test_student_api_follows_the_assignment_modules():
    assert list(STUDENT_API) == [m.ASSIGNMENT for m in ASSIGNMENT_MODULES]
    for module in ASSIGNMENT_MODULES:
        assert STUDENT_API[module.ASSIGNMENT] == tuple(e.name for e in module.FUNCTIONS)
        assert module.__doc__ and len(module.__doc__) > 200, "each assignment module tells its story"
        listed = f"{module.ASSIGNMENT}.py  " in (registry.__doc__ or "")
        assert listed, f"the registry's docstring leads a newcomer to {module.ASSIGNMENT}.py"


def test_kinds_decide_the_mistakes_every_function_gets():
    for entry in ENTRIES:
        generic = INTEGER_TRUNCATION in mistakes_for(entry.name)
        assert generic == (entry.kind != "size"), entry.name


def test_a_bad_entry_is_refused_when_it_is_written():
    def entry(**changes):
        fields = dict(name="f", assignment="a", summary="s", params=(Param("x", "(N,)"),),
                      returns="(N,)", kind="array", points=1, cases=lambda rng, trials: [])
        return GradedFunction(**{**fields, **changes})

    entry()  # a valid one
    with pytest.raises(ValueError, match="kind"):
        entry(kind="matrix")
    with pytest.raises(ValueError, match="backward"):
        entry(kind="backward")  # without gradients
    with pytest.raises(ValueError, match="unknown parameters"):
        entry(kind="backward", gradients=Gradients("_f", ("x",), "dy"))
    with pytest.raises(ValueError, match="points"):
        entry(points=0)
    with pytest.raises(ValueError, match="repeated"):
        entry(params=(Param("x", "(N,)"), Param("x", "(N,)")))


def test_an_unknown_function_is_named_with_the_known_ones():
    with pytest.raises(KeyError, match="corr4d.*conv_output_length"):
        graded("corr4d")


def _string_constants(path: Path) -> set[str]:
    return {node.value for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_nothing_outside_the_registry_tests_a_graded_functions_name():
    """How a function is judged follows from its entry's kind, never from its name: outside
    autograder/registry/, no module of the grader spells a graded function's name as a string."""
    names = set(REGISTRY)
    spelled = {path.name: sorted(names & _string_constants(path))
               for path in PACKAGE.glob("*.py")}
    assert {k: v for k, v in spelled.items() if v} == {}
