"""Fill a notebook's solution cells with the reference code from solutions/<id>.py.

Used by the project's tests and by the demo: a released notebook whose solution cells hold the
reference must run top to bottom, and a partly filled one plays a student with partial credit.

This module holds no solution code. It reads solutions/<assignment_id>.py at run time and cuts
out, for each public function, a self-contained source: the module's imports, the private
`_helpers` (and `_CONSTANTS`) that the function uses, directly or through other helpers, and the
function itself. Public functions that a function calls are NOT copied in: in a notebook each
graded function lives in its own cell, and copying them would silently replace a student's own
version with the reference.
"""
from __future__ import annotations

import ast
import copy
import types
from pathlib import Path

import nbformat

from .reference import import_by_path

__all__ = ["reference_sources", "fill_solution_cells"]


def _global_names(code: types.CodeType) -> set[str]:
    """Every name a code object (and the functions/comprehensions nested in it) refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _top_level_definitions(tree: ast.Module, text: str) -> dict[str, tuple[int, str]]:
    """name -> (line number, source) for every top-level def, class and simple assignment."""
    found: dict[str, tuple[int, str]] = {}
    for node in tree.body:
        segment = ast.get_source_segment(text, node, padded=False)
        if segment is None:
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # decorators sit above the `def` line; keep them
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            lines = text.splitlines()[start - 1 : node.end_lineno]
            found[node.name] = (start, "\n".join(lines))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    found[target.id] = (node.lineno, segment)
    return found


def _imports(tree: ast.Module, text: str) -> list[str]:
    """The module's top-level import statements, in order (`from __future__` left out)."""
    out = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            segment = ast.get_source_segment(text, node)
            if segment is not None:  # always, for a node parsed from `text`
                out.append(segment)
    return out


def _private_dependencies(obj, module: types.ModuleType, definitions: dict) -> set[str]:
    """Private top-level names that `obj` uses, followed recursively through helpers."""
    seen: set[str] = set()
    todo = [obj]
    while todo:
        current = todo.pop()
        code = getattr(current, "__code__", None)
        if code is None:  # a class or a constant: scan its methods' code, if any
            names: set[str] = set()
            for attr in vars(current).values() if isinstance(current, type) else ():
                if hasattr(attr, "__code__"):
                    names |= _global_names(attr.__code__)
        else:
            names = _global_names(code)
        for name in names:
            private = name.startswith("_") and not name.startswith("__")
            if private and name in definitions and name not in seen:
                seen.add(name)
                todo.append(getattr(module, name, None))
    return seen


def reference_sources(solutions_dir: Path, assignment_id: str) -> dict[str, str]:
    """Map each public function of solutions/<assignment_id>.py to source that defines it.

    The source holds the module's imports, the private helpers the function needs (recursively)
    in the order the module defines them, and the function itself, so it runs on its own in a
    fresh namespace. Raises FileNotFoundError naming the file if the module is missing.
    """
    path = Path(solutions_dir) / f"{assignment_id}.py"
    if not path.is_file():
        raise FileNotFoundError(f"no reference solution at {path}")
    text = path.read_text()
    tree = ast.parse(text, filename=str(path))
    module = import_by_path(path)
    definitions = _top_level_definitions(tree, text)
    imports = _imports(tree, text)

    sources: dict[str, str] = {}
    for name, (_, func_source) in definitions.items():
        obj = getattr(module, name, None)
        if name.startswith("_") or not isinstance(obj, types.FunctionType):
            continue
        if obj.__module__ != module.__name__:  # imported, not defined here
            continue
        helpers = sorted(_private_dependencies(obj, module, definitions),
                         key=lambda helper: definitions[helper][0])
        parts = ["\n".join(imports)] if imports else []
        parts += [definitions[helper][1] for helper in helpers]
        parts.append(func_source)
        sources[name] = "\n\n\n".join(parts) + "\n"
    return sources


def fill_solution_cells(nb: nbformat.NotebookNode,
                        sources: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of `nb` whose solution cells named in `sources` (by grade_id) hold that source.

    Solution cells whose grade_id is not a key are left as they are (a student who only did
    some of the work); the input notebook is not modified.
    """
    filled = copy.deepcopy(nb)
    for cell in filled.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id") in sources:
            cell.source = sources[meta["grade_id"]]
            cell.outputs = []
            cell.execution_count = None
    return filled
