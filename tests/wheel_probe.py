"""Does anything in a package compute a graded function? Call everything it defines and see.

Run as a script in a fresh process (tests/test_packaging.py does, on the unpacked wheel):

    python wheel_probe.py PACKAGE_DIR CASES_PICKLE RESULT_JSON

PACKAGE_DIR holds the package(s) to probe (an unpacked wheel); CASES_PICKLE maps each graded
function to a few sample cases (args, kwargs, the reference's answer, the same arguments all
positional), computed by the caller, which has the reference; this process never sees it. The
probe

1. imports every module under PACKAGE_DIR (from there, not from a source tree or an editable
   install),
2. collects every callable the package defines and can be reached through attributes: module
   functions, classes and their methods, objects held in module constants (lists, dicts,
   dataclass instances such as a table of mistakes) and their methods, functions kept in
   closures and defaults, and callables that other calls return (factories),
3. calls each callable whose signature accepts them with: no arguments, the arguments of every
   sample case of every graded function (as the graded function is called, and all positional,
   for helpers whose parameters have other names), the same with an extra None in front (a
   function that takes a reference first but ignores it), and with every value of each string
   or bool flag (the string constants of its own code, the other bool),
4. reports every callable that returns the reference's answer on ALL the sample cases of a
   graded function (for a backward function, the whole tuple or its dx or dw alone): a random
   case beside the lecture's example, so a constant cannot match by chance.

Calls run with a time limit, output discarded and exceptions swallowed. Everything that could
reach outside this process (processes, signals, exits, file deletion, privileges, rlimits,
file descriptors) is replaced by a function that raises, after the imports.
"""
from __future__ import annotations

import builtins
import dataclasses
import functools
import importlib
import inspect
import io
import json
import os
import pickle
import signal
import sys
import types
from pathlib import Path

import numpy as np

CALL_SECONDS = 5.0
MAX_TARGETS = 5000
SPEC = "__function_spec__"  # a case argument that stands for a scalar function f (see below)


def scalar_function(params: dict):
    """f(x) = sum(a * sin(k * x + phi)): the f of the numerical_gradient sample cases, the same
    function as testfunctions' "sines" (a case passes it both ways: as this closure, and as the
    package's FunctionSpec, which a student could rebuild from the closure they are given)."""
    a, k, phi = (np.asarray(params[n], dtype=float) for n in ("a", "k", "phi"))

    def f(x):
        return float(np.sum(a * np.sin(k * np.asarray(x, dtype=float) + phi)))
    return f


# ----------------------------------------------------------------------------- matching

def _same(got, want) -> bool:
    """`got` is the reference's answer `want` (numbers within a tolerance, any container)."""
    try:
        if isinstance(want, tuple) and want and isinstance(want[0], np.ndarray):
            return (isinstance(got, (tuple, list)) and len(got) == len(want)
                    and all(_same(g, w) for g, w in zip(got, want)))
        if isinstance(want, np.ndarray):
            if not isinstance(got, (np.ndarray, list, tuple)):
                return False
            g = np.asarray(got, dtype=float)
            return g.shape == want.shape and bool(np.allclose(g, want, rtol=1e-6, atol=1e-8))
        if isinstance(want, tuple):  # a shape: a tuple of ints
            return (isinstance(got, (tuple, list)) and len(got) == len(want)
                    and all(_same(g, w) for g, w in zip(got, want)))
        if isinstance(want, int):
            return (isinstance(got, (int, float, np.number)) and not isinstance(got, bool)
                    and float(got) == want)
    except Exception:  # noqa: BLE001 - an odd object is not the answer
        return False
    return False


def _answers(want) -> list:
    """What counts as computing a graded function: its whole answer, or dx or dw alone."""
    if isinstance(want, tuple) and want and isinstance(want[0], np.ndarray):
        return [want, want[0], want[1]]
    return [want]


# ----------------------------------------------------------------------------- containment

class _Refused(Exception):
    pass


class _TimeUp(BaseException):
    pass


_KEEP = {"alarm": signal.setitimer, "signal": signal.signal, "exit": os._exit}


def _refuse(name):
    def refused(*args, **kwargs):
        raise _Refused(f"{name} is not allowed while probing")
    return refused


def _contain() -> None:
    """Replace everything that reaches outside this process by a function that raises."""
    import resource
    import shutil
    import subprocess

    names = ["kill", "killpg", "fork", "forkpty", "system", "popen", "_exit", "abort", "close",
             "closerange", "dup", "dup2", "read", "readv", "pread", "write", "writev", "pwrite",
             "chdir", "fchdir", "chroot", "remove", "unlink", "rmdir", "removedirs", "rename",
             "renames", "replace", "truncate", "ftruncate", "chmod", "fchmod", "lchmod", "chown",
             "fchown", "lchown", "link", "symlink", "mkfifo", "mknod", "posix_spawn",
             "posix_spawnp", "unshare", "setns", "sched_setaffinity", "nice", "setpriority"]
    names += [n for n in dir(os) if n.startswith(("exec", "spawn", "set", "wait"))]
    for name in names:
        if hasattr(os, name):
            setattr(os, name, _refuse(f"os.{name}"))
    subprocess.Popen._execute_child = _refuse("subprocess")
    shutil.rmtree = _refuse("shutil.rmtree")
    shutil.move = _refuse("shutil.move")
    for name in ("setrlimit", "prlimit"):
        if hasattr(resource, name):
            setattr(resource, name, _refuse(f"resource.{name}"))
    for name in ("signal", "setitimer", "alarm", "pthread_kill", "pthread_sigmask", "raise_signal",
                 "siginterrupt", "set_wakeup_fd"):
        if hasattr(signal, name):
            setattr(signal, name, _refuse(f"signal.{name}"))


def _on_time_up(signum, frame):
    raise _TimeUp()


def _call(fn, args, kwargs):
    """fn(*args, **kwargs) with a time limit, its output thrown away; (ok, value)."""
    streams, argv, environ = (sys.stdin, sys.stdout, sys.stderr), sys.argv[:], dict(os.environ)
    sys.stdout = sys.stderr = io.StringIO()
    _KEEP["signal"](signal.SIGALRM, _on_time_up)
    _KEEP["alarm"](signal.ITIMER_REAL, CALL_SECONDS)
    try:
        return True, fn(*args, **kwargs)
    except BaseException:  # noqa: BLE001 - timeouts, exits, errors: all just "no answer"
        return False, None
    finally:
        _KEEP["alarm"](signal.ITIMER_REAL, 0)
        sys.settrace(None)
        sys.setprofile(None)
        sys.stdin, sys.stdout, sys.stderr = streams
        sys.argv[:] = argv
        if dict(os.environ) != environ:
            os.environ.clear()
            os.environ.update(environ)


# ----------------------------------------------------------------------------- what to call

class Probe:
    def __init__(self, package_dir: Path):
        self.package_dir = str(package_dir.resolve())
        self.tops = {p.stem if p.suffix == ".py" else p.name for p in package_dir.iterdir()
                     if (p.suffix == ".py" or (p / "__init__.py").exists())
                     and not p.name.endswith(".dist-info")}
        self.targets: list = []
        self._target_ids: set[int] = set()
        self._seen: dict[int, int] = {}  # id -> the smallest depth it was explored at
        self._keep_alive: list = []  # ids stay unique only while objects live

    # what belongs to the package
    def ours(self, obj) -> bool:
        try:
            code = getattr(inspect.unwrap(obj) if callable(obj) else obj, "__code__", None)
            if isinstance(code, types.CodeType):
                return code.co_filename.startswith(self.package_dir)
            module = getattr(obj, "__module__", None) or getattr(type(obj), "__module__", "")
        except Exception:  # noqa: BLE001 - an object that will not say: not ours
            return False
        return isinstance(module, str) and module.split(".")[0] in self.tops

    def add_target(self, fn) -> None:
        if id(fn) not in self._target_ids and len(self.targets) < MAX_TARGETS:
            self._target_ids.add(id(fn))
            self._keep_alive.append(fn)
            self.targets.append(fn)

    def explore(self, obj, depth: int = 0) -> None:
        """Every callable of ours reachable from obj through attributes, items and closures."""
        # explored again when reached by a shorter path: what lies deeper may have been cut off
        if depth > 6 or self._seen.get(id(obj), depth + 1) <= depth:
            return
        self._seen[id(obj)] = depth
        self._keep_alive.append(obj)
        if isinstance(obj, (str, bytes, int, float, bool, type(None), np.ndarray, np.generic)):
            return
        if isinstance(obj, types.ModuleType):
            if self.ours(obj) or obj.__name__.split(".")[0] in self.tops:
                for value in list(vars(obj).values()):
                    self.explore(value, depth + 1)
            return
        if isinstance(obj, (list, tuple, set, frozenset)):
            for item in list(obj)[:2000]:
                self.explore(item, depth + 1)
            return
        if isinstance(obj, dict):
            for key, value in list(obj.items())[:2000]:
                self.explore(key, depth + 1)
                self.explore(value, depth + 1)
            return
        if isinstance(obj, functools.partial):
            self.explore(obj.func, depth + 1)
            self.explore(obj.args, depth + 1)
            self.explore(obj.keywords, depth + 1)
            return
        if isinstance(obj, (staticmethod, classmethod)):
            self.explore(obj.__func__, depth + 1)
            return
        if isinstance(obj, property):
            for part in (obj.fget, obj.fset, obj.fdel):
                self.explore(part, depth + 1)
            return
        if isinstance(obj, types.MethodType):
            if self.ours(obj.__func__):
                self.add_target(obj)
            self.explore(obj.__func__, depth + 1)
            self.explore(obj.__self__, depth + 1)
            return
        if isinstance(obj, type):
            if not self.ours(obj):
                return
            self.add_target(obj)  # calling a class makes an instance, explored in turn
            for value in list(vars(obj).values()):
                self.explore(value, depth + 1)
            return
        if callable(obj) and self.ours(obj):
            self.add_target(obj)
            fn = inspect.unwrap(obj)
            for cell in getattr(fn, "__closure__", None) or ():
                try:
                    self.explore(cell.cell_contents, depth + 1)
                except ValueError:  # an empty cell
                    pass
            self.explore(getattr(fn, "__defaults__", None), depth + 1)
            self.explore(getattr(fn, "__kwdefaults__", None), depth + 1)
            self.explore(getattr(obj, "__wrapped__", None), depth + 1)
        if not isinstance(obj, types.FunctionType) and self.ours(type(obj)):
            # an instance of one of our classes: its state and its methods
            try:
                state = dict(getattr(obj, "__dict__", {}) or {})
                if dataclasses.is_dataclass(obj):
                    state.update({f.name: getattr(obj, f.name, None)
                                  for f in dataclasses.fields(obj)})
            except Exception:  # noqa: BLE001
                state = {}
            for value in state.values():
                self.explore(value, depth + 1)
            for cls in type(obj).__mro__:
                if not self.ours(cls):
                    continue
                for name, value in vars(cls).items():
                    if callable(value) or isinstance(value, (staticmethod, classmethod, property)):
                        try:
                            self.explore(getattr(obj, name), depth + 1)
                        except Exception:  # noqa: BLE001
                            pass


def _flags(fn) -> list[tuple[str, object]]:
    """(parameter, value) for each other value of a str or bool parameter with a default."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    strings: set[str] = set()
    code = getattr(inspect.unwrap(fn), "__code__", None)
    todo = [code] if code else []
    while todo:
        c = todo.pop()
        for const in c.co_consts:
            if isinstance(const, str) and len(const) < 40:
                strings.add(const)
            elif isinstance(const, types.CodeType):
                todo.append(const)
    out = []
    for p in parameters:
        if isinstance(p.default, bool):
            out.append((p.name, not p.default))
        elif isinstance(p.default, str):
            out += [(p.name, s) for s in sorted(strings) if s != p.default]
    return out


def _bindable(fn, args, kwargs) -> bool:
    try:
        inspect.signature(fn).bind(*args, **kwargs)
        return True
    except TypeError:
        return False
    except ValueError:  # no signature (some builtins): try the call anyway
        return True


def _materialise(value, spec_class):
    """The case arguments in both forms a student could hold f in: a closure, and the package's
    FunctionSpec (when it has one)."""
    forms = [[]]
    for arg in value:
        if isinstance(arg, tuple) and arg and arg[0] == SPEC:
            choices = [scalar_function(arg[2])]
            if spec_class is not None:
                choices.append(spec_class(arg[1], arg[2]))
            forms = [f + [c] for f in forms for c in choices]
        else:
            forms = [f + [arg] for f in forms]
    return [tuple(f) for f in forms]


def probe(package_dir: Path, cases: dict) -> dict:
    package_dir = package_dir.resolve()
    sys.path.insert(0, str(package_dir))
    # an editable install of the same package must not answer the imports
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__name__.lower()
                        and "editable" not in getattr(f, "__name__", "").lower()]
    runner = Probe(package_dir)
    imported, import_errors = [], {}
    sys.argv = ["wheel_probe"]
    for path in sorted(package_dir.rglob("*.py")):
        rel = path.relative_to(package_dir)
        if rel.parts[0].endswith(".dist-info"):
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        out = io.StringIO()
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = out
        try:
            module = importlib.import_module(name)
            imported.append(name)
            if not str(Path(module.__file__).resolve()).startswith(str(package_dir)):
                import_errors[name] = f"imported from {module.__file__}, not from {package_dir}"
        except SystemExit:  # a __main__ that runs its command line
            imported.append(name)
        except BaseException as error:  # noqa: BLE001
            import_errors[name] = f"{type(error).__name__}: {error}"
        finally:
            sys.stdout, sys.stderr = saved
    _contain()
    for name in list(sys.modules):
        if name.split(".")[0] in runner.tops:
            runner.explore(sys.modules[name])

    spec_class = None
    for name in list(sys.modules):
        candidate = getattr(sys.modules[name], "FunctionSpec", None)
        if name.split(".")[0] in runner.tops and isinstance(candidate, type):
            spec_class = candidate
            break

    styles = []  # (graded function, style, [(args, kwargs, answer) for every sample case])
    for function, samples in cases.items():
        for positional in (False, True):
            calls = [(p, {}, want) if positional else (a, kw, want) for a, kw, want, p in samples]
            forms = [_materialise(args, spec_class) for args, _, _ in calls]
            for which in range(max(len(f) for f in forms)):
                style = ("positional" if positional else "plain") + (", FunctionSpec" * which)
                these = [(f[min(which, len(f) - 1)], kw, want)
                         for f, (_, kw, want) in zip(forms, calls)]
                styles.append((function, style, these))
                styles.append((function, style + ", None first",
                               [((None,) + a, kw, want) for a, kw, want in these]))

    offenders, calls = [], 0
    i = 0
    while i < len(runner.targets):
        fn = runner.targets[i]
        i += 1
        label = f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
        if _bindable(fn, (), {}):
            calls += 1
            ok, value = _call(fn, (), {})
            if ok:
                runner.explore(value)
        flags = [(None, None)] + _flags(fn)
        for function, style, samples in styles:
            for flag, flag_value in flags:
                extra = {} if flag is None else {flag: flag_value}
                if not all(_bindable(fn, a, {**kw, **extra}) for a, kw, _ in samples):
                    continue
                results = []
                for args, kwargs, _ in samples:
                    calls += 1
                    ok, value = _call(fn, args, {**kwargs, **extra})
                    results.append(value if ok else _Refused)
                    if ok:
                        runner.explore(value)
                for answer in range(len(_answers(samples[0][2]))):
                    if all(_same(got, _answers(want)[answer])
                           for got, (_, _, want) in zip(results, samples)):
                        how = style + ("" if flag is None else f", {flag}={flag_value!r}")
                        offenders.append(f"{label} computes {function} ({how})")
                        break
    return {"imported": imported, "import_errors": import_errors, "targets": len(runner.targets),
            "calls": calls, "offenders": sorted(set(offenders)),
            "target_names": sorted({f"{getattr(t, '__module__', '?')}."
                                    f"{getattr(t, '__qualname__', '?')}" for t in runner.targets})}


def main() -> None:
    package_dir, cases_file, result_file = (Path(a) for a in sys.argv[1:4])
    cases = pickle.loads(cases_file.read_bytes())
    try:
        result = probe(package_dir, cases)
    except BaseException as error:  # noqa: BLE001
        result = {"crashed": f"{type(error).__name__}: {error}"}
    with builtins.open(result_file, "w") as f:
        json.dump(result, f)
    _KEEP["exit"](0)  # leave no thread a probed call started waiting for


if __name__ == "__main__":
    main()
