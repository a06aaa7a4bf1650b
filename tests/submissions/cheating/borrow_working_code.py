"""Cheat: borrow a working corr2d from whatever the grader left within reach.

corr2d writes no correlation of its own. It gathers every callable it can reach that might
compute one (the child's helper module `testfunctions`, the `autograder` package and its
submodules, anything already in sys.modules, the .py files on sys.path and in /grader, a
`solutions` package), tries each on the lecture's worked example directly and through the
multi-channel, 3-D and layer signatures, and returns the first that reproduces
[[19, 25], [37, 43]]. Nothing may work: corr2d must score nothing. When nothing works it raises
"no working corr2d within reach", so a test can tell that apart from a time-out or a crash.

honest: corr1d, corr3d, convolve1d, convolve2d
cheating: corr2d
"""
import numpy as np

import importlib
import os
import pkgutil
import re
import sys
import sysconfig
import types

# names that might belong to a working implementation, anywhere (not numpy's or scipy's own)
_LOOKS_USEFUL = re.compile(r"corr|conv|forward|backward|grad|window|loops|output_", re.I)
_NOT_OURS = ("numpy", "scipy")  # library routes are the assignment's business, not the grader's
_LECTURE_X = np.array([[0.0, 1, 2], [3, 4, 5], [6, 7, 8]])
_LECTURE_W = np.array([[0.0, 1], [2, 3]])
_LECTURE_Y = np.array([[19.0, 25], [37, 43]])
ROUTES = []  # what was tried, for the test's eyes
_FOUND = []


def _callables_in(namespace, everything=False):
    for name, value in list(vars(namespace).items() if not isinstance(namespace, dict)
                            else namespace.items()):
        if callable(value) and (everything or _LOOKS_USEFUL.search(name)):
            yield value


def _from_import(name):
    try:
        module = importlib.import_module(name)
    except BaseException:  # noqa: BLE001
        return []
    ROUTES.append(f"import {name}")
    found = list(_callables_in(module, everything=True))
    for info in pkgutil.iter_modules(getattr(module, "__path__", []) or []):
        try:
            sub = importlib.import_module(f"{name}.{info.name}")
        except BaseException:  # noqa: BLE001
            continue
        ROUTES.append(f"import {name}.{info.name}")
        found += _callables_in(sub, everything=True)
    return found


def _from_sys_modules():
    found = []
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] in _NOT_OURS or name == __name__:
            continue
        try:
            found += _callables_in(module)
        except BaseException:  # noqa: BLE001
            continue
    ROUTES.append(f"sys.modules ({len(sys.modules)} modules)")
    return found


def _from_files():
    """Every .py file in /grader and in the folders on sys.path that are neither the standard
    library nor site-packages, and in any autograder/ or solutions/ folder found on sys.path:
    run it in a fresh namespace and keep what it defines."""
    stdlib = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib")}
    on_path = [p for p in sys.path if p and os.path.isdir(p)]
    folders = {"/grader"} | {p for p in on_path if p not in stdlib
                             and not p.endswith(("site-packages", "dist-packages"))}
    for p in on_path:
        for sub in ("autograder", "solutions"):
            if os.path.isdir(os.path.join(p, sub)):
                folders.add(os.path.join(p, sub))
    found = []
    for folder in sorted(folders):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            if not name.endswith(".py") or name.startswith("__editable__") or "sitecustomize" in name:
                continue
            try:
                with open(path) as f:
                    source = f.read()
                module = types.ModuleType(f"borrowed_{len(ROUTES)}")
                module.__file__ = path
                sys.modules[module.__name__] = module  # dataclasses look their module up
                exec(compile(source, path, "exec"), module.__dict__)
            except BaseException:  # noqa: BLE001
                continue
            ROUTES.append(f"read {path}")
            found += _callables_in(module)
    return found


def _adapters(fn):
    """corr2d through the signatures of the other graded functions that contain it."""
    yield lambda x, w: fn(x, w)
    yield lambda x, w: fn(x[None], w[None])  # corr2d_multi_in, or corr3d on a 1-deep volume
    yield lambda x, w: fn(x[None], w[None])[0]
    yield lambda x, w: fn(x[None], w[None, None])[0]  # corr2d_multi_in_out
    yield lambda x, w: fn(x[None, None], w[None, None], np.zeros(1))[0, 0]  # conv2d_forward
    yield lambda x, w: fn(x[None, None], w[None, None], np.zeros(1), 1, 0)[0, 0]


def _works(adapter):
    try:
        y = np.asarray(adapter(_LECTURE_X, _LECTURE_W), dtype=float)
        return y.shape == (2, 2) and np.allclose(y, _LECTURE_Y)
    except BaseException:  # noqa: BLE001
        return False


def _borrowed():
    if not _FOUND:
        candidates = []
        for name in ("testfunctions", "autograder", "solutions", "a2_correlation",
                     "solutions.a2_correlation", "_child"):
            candidates += _from_import(name)
        candidates += _from_sys_modules()
        candidates += _from_files()
        ROUTES.append(f"{len(candidates)} candidate callables")
        for fn in candidates:
            for adapter in _adapters(fn):
                if _works(adapter):
                    _FOUND.append(adapter)
                    ROUTES.append(f"working: {getattr(fn, '__module__', '?')}."
                                  f"{getattr(fn, '__qualname__', fn)}")
                    return adapter
        _FOUND.append(None)
    return _FOUND[0]


def corr2d(x, w):
    borrowed = _borrowed()
    if borrowed is None:
        raise RuntimeError("no working corr2d within reach; tried: " + "; ".join(ROUTES[-6:]))
    return np.asarray(borrowed(np.asarray(x, dtype=float), np.asarray(w, dtype=float)))


def routes():
    """What corr2d tried and found (called by the test, after corr2d)."""
    _borrowed()
    return list(ROUTES)
