"""The reference modules have the shape the rest of the kit relies on: exactly the graded functions
of course.yml with the design's signatures, numpy-only imports, each graded function runnable on
its own in a notebook cell (only `np` and private helpers), and no Python loops over pixels."""

import ast
import builtins
import inspect
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from autograder.registry import STUDENT_API, graded
from course_helpers import load_solution

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"


def _load(name):
    return load_solution(name)


# The student API of design.md: parameter names and defaults are part of the contract. They come
# from the registry entries (autograder/registry/), which the references must match exactly.
SIGNATURES = {
    assignment: {name: graded(name).signature for name in names}
    for assignment, names in STUDENT_API.items()
}
def _first_value_case(function: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """A graded function nobody hand-picked a sample for: its entry's first value case."""
    case = next(c for c in graded(function).cases(np.random.default_rng(0), 1)
                if not c.expect_error)
    return case.args, case.kwargs


# Functions allowed a Python loop: over axes (a handful) or, for the numerical gradient, elements.
MAY_LOOP = {"conv_output_shape", "numerical_gradient"}

# One small call per graded function, to run the cell-alone copy against the module.
rng = np.random.default_rng(0)
SAMPLE_CALLS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "conv_output_length": ((28, 3, 1, 2, 1), {}),
    "conv_output_shape": (((28, 20), (3, 5)), {"padding": (1, 0), "stride": 2}),
    "corr1d": ((rng.normal(size=7), rng.normal(size=3)), {}),
    "corr2d": ((rng.normal(size=(5, 6)), rng.normal(size=(2, 3))), {}),
    "corr3d": ((rng.normal(size=(3, 5, 4)), rng.normal(size=(2, 3, 2))), {}),
    "convolve1d": ((rng.normal(size=7), rng.normal(size=3)), {}),
    "convolve2d": ((rng.normal(size=(5, 6)), rng.normal(size=(2, 3))), {}),
    "corr2d_multi_in": ((rng.normal(size=(3, 5, 6)), rng.normal(size=(3, 2, 3))), {}),
    "corr2d_multi_in_out": ((rng.normal(size=(3, 5, 6)), rng.normal(size=(4, 3, 2, 3))), {}),
    "conv2d_forward": (
        (rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)),
        {"stride": 2, "padding": 1},
    ),
    "corr1d_backward": ((rng.normal(size=7), rng.normal(size=3), rng.normal(size=5)), {}),
    "conv2d_backward": (
        (rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4),
         rng.normal(size=(2, 4, 4, 4))),
        {"stride": 2, "padding": 1},
    ),
    "numerical_gradient": ((lambda z: float((z**2).sum()), rng.normal(size=(2, 3))), {}),
    "im2col": ((rng.normal(size=(2, 3, 7, 6)), 3, 2), {"stride": 2, "padding": 1}),
    "conv2d_matmul": (
        (rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)),
        {"stride": 2, "padding": 1},
    ),
    "conv_matrix": ((rng.normal(size=(2, 3)), (5, 6)), {}),
}

CASES = [(a, f) for a, funcs in SIGNATURES.items() for f in funcs]


def _tree(assignment):
    return ast.parse((SOLUTIONS / f"{assignment}.py").read_text())


def _top_level_functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _segment(source: str, node: ast.AST) -> str:
    """The source text of `node` (get_source_segment gives None only for nodes without a position)."""
    segment = ast.get_source_segment(source, node)
    assert segment is not None, ast.dump(node)
    return segment


def test_graded_functions_match_course_yml_and_design():
    course = yaml.safe_load((ROOT / "course.yml").read_text())
    from_course = {a["id"]: list(a["points"]) for a in course["assignments"]}
    assert from_course == {a: list(funcs) for a, funcs in SIGNATURES.items()}


@pytest.mark.parametrize("assignment", list(SIGNATURES))
def test_module_defines_exactly_the_graded_functions(assignment):
    public = {n for n in _top_level_functions(_tree(assignment)) if not n.startswith("_")}
    assert public == set(SIGNATURES[assignment])
    module = _load(assignment)
    for name, signature in SIGNATURES[assignment].items():
        fn = getattr(module, name)
        assert str(inspect.signature(fn)) == signature, name
        assert fn.__doc__ and len(fn.__doc__.strip()) > 20, f"{name} needs a docstring"


@pytest.mark.parametrize("assignment", list(SIGNATURES))
def test_imports_nothing_but_numpy_and_math(assignment):
    for node in ast.walk(_tree(assignment)):
        if isinstance(node, ast.Import):
            assert all(a.name in ("numpy", "math") for a in node.names), ast.unparse(node)
        elif isinstance(node, ast.ImportFrom):
            pytest.fail(f"{assignment}: use `np.` instead of {ast.unparse(node)!r}")


@pytest.mark.parametrize("assignment, function", CASES)
def test_graded_function_runs_alone_in_a_notebook_cell(assignment, function):
    """Copy only `import numpy as np`, the private helpers and the function into a fresh
    namespace (as when filling a notebook cell) and check it gives the module's answer."""
    source = (SOLUTIONS / f"{assignment}.py").read_text()
    tree = ast.parse(source)
    functions = _top_level_functions(tree)
    helpers = [n for n in functions if n.startswith("_")]
    cell = "\n\n".join(
        ["import numpy as np"]
        + [_segment(source, functions[h]) for h in helpers]
        + [_segment(source, functions[function])]
    )
    namespace: dict[str, Any] = {}
    exec(compile(cell, f"<cell {function}>", "exec"), namespace)
    # nothing else is reachable: every global name used is np, a builtin or a private helper
    used = {n.id for n in ast.walk(ast.parse(cell)) if isinstance(n, ast.Name)}
    unknown = {
        n for n in used
        if n not in namespace and not hasattr(builtins, n)
        and not any(n in _locals(functions[f]) for f in helpers + [function])
    }
    assert not unknown, f"{function} relies on names outside its cell: {unknown}"

    args, kwargs = SAMPLE_CALLS.get(function) or _first_value_case(function)
    alone = namespace[function](*args, **kwargs)
    expected = getattr(_load(assignment), function)(*args, **kwargs)
    for a, e in zip(np.atleast_1d(np.asarray(alone, dtype=object)),
                    np.atleast_1d(np.asarray(expected, dtype=object))):
        np.testing.assert_array_equal(a, e)


def _locals(fn_node):
    """Names bound inside a function: parameters, assigned names, loop variables, nested defs."""
    names = {a.arg for a in ast.walk(fn_node.args) if isinstance(a, ast.arg)}
    for node in ast.walk(fn_node):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)) and node is not fn_node:
            if isinstance(node, ast.FunctionDef):
                names.add(node.name)
            names |= {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


@pytest.mark.parametrize("assignment, function", [c for c in CASES if c[1] not in MAY_LOOP])
def test_no_python_loops_over_pixels(assignment, function):
    node = _top_level_functions(_tree(assignment))[function]
    loops = [n for n in ast.walk(node)
             if isinstance(n, (ast.For, ast.While, ast.comprehension))]
    assert not loops, f"{function} should be vectorized (sliding_window_view + einsum)"


DESIGN = ROOT.parent / "shared" / "design.md"  # the contracts, read-only, next to the repository


def _design_signatures() -> dict[str, str]:
    """`name(params)` of every function in design.md's student-API table, normalised by ast."""
    import re

    found = {}
    for call in re.findall(r"`([a-z_0-9]+\([^`]*?\))(?: -> [^`]*)?`", DESIGN.read_text()):
        name = call.split("(", 1)[0]
        definition = ast.parse(f"def {call}: pass").body[0]
        assert isinstance(definition, ast.FunctionDef)
        args = definition.args
        defaults = [None] * (len(args.args) - len(args.defaults)) + list(args.defaults)
        found[name] = "(" + ", ".join(
            a.arg if d is None else f"{a.arg}={ast.literal_eval(d)!r}"
            for a, d in zip(args.args, defaults)) + ")"
    return found


@pytest.mark.skipif(not DESIGN.is_file(), reason="design.md lives in ../shared (CI has it)")
def test_registry_signatures_are_design_md_contracts():
    design = _design_signatures()
    names = [n for fs in STUDENT_API.values() for n in fs]
    in_design = [n for n in names if n in design]
    assert len(in_design) >= 13  # every function of a1-a4 is in design.md's table
    for name in in_design:
        assert graded(name).signature == design[name], name
