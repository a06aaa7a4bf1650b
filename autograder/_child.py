"""The runner inside the sandbox: executes the student's chunks once, then answers calls.

Started by autograder/sandbox.py as `python -I _child.py CMD_FD RESULT_FD SETUP_JSON`. It never
imports the autograder package (the course folder is not visible here); it loads isolation.py and
testfunctions.py that sit next to it (bind-mounted read-only) by path, under private names, and
their folder is covered (isolation.enter) before the student's code runs.

Protocol (both directions, over private pipes, never stdout/stderr): a frame is
    b"AGF1" | u32 json length | u32 blob count | u64 length per blob | JSON | blobs
The JSON is a tagged skeleton: plain JSON numbers/strings/true/false/null, and objects
    {"L": [...]} list, {"T": [...]} tuple, {"D": [[key, value], ...]} dict (str keys),
    {"A": i} ndarray in blob i (.npy), {"S": i} numpy scalar in blob i (0-d .npy),
    {"F": name, "P": {"D": ...}} a FunctionSpec (parent -> child only).
Messages child -> parent: {"kind": "ready"}, {"kind": "chunk", "index": i} (about to run chunk
i), {"kind": "loaded", "problems": [...]}, {"kind": "result", "seq", "status", "value",
"args_after", "message"}. Parent -> child: {"kind": "load", "chunks": [[label, source], ...],
"skip": [...]}, {"kind": "call", "seq", "function", "args", "kwargs", "return_args", "cpu_s"}.

Everything here runs in the student's process, so nothing it sends is trusted: the parent decodes
strictly and judges. The references below are captured before any student code runs, so casual
monkeypatching of numpy or json does not break the runner for the student's honest functions.
"""
import os
import resource
import struct
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _load_helpers():
    """isolation.py and testfunctions.py from beside this file, loaded by path under private
    names and then forgotten by sys.modules: the student's code cannot import them,
    and isolation.enter covers their folder before it runs."""
    import importlib.util

    modules = []
    for name in ("isolation", "testfunctions"):
        spec = importlib.util.spec_from_file_location(f"_grader_{name}", os.path.join(_HERE, f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while it loads
        try:
            spec.loader.exec_module(module)
        finally:
            del sys.modules[spec.name]
        modules.append(module)
    return modules  # (python -I keeps the runner's folder off sys.path)


def main():
    import json

    cmd_fd, res_fd = int(sys.argv[1]), int(sys.argv[2])
    setup = json.loads(sys.argv[3])
    isolation, testfunctions = _load_helpers()
    # limits, private folders, runner files covered, privileges dropped: before any student code
    isolation.enter(setup)
    runner = Runner(cmd_fd, res_fd, testfunctions)
    runner.serve()


class Runner:
    def __init__(self, cmd_fd, res_fd, testfunctions):
        import io
        import json
        import traceback

        import numpy as np

        self.FunctionSpec = testfunctions.FunctionSpec
        make_function = testfunctions.make_function
        self.cmd_fd, self.res_fd = cmd_fd, res_fd
        # captured now: the student may replace module attributes later
        self.np = np
        self.ndarray = np.ndarray
        self.generic = np.generic
        self.frombuffer = np.frombuffer
        self.dtype = np.dtype
        self.ascontiguousarray = np.ascontiguousarray
        self.asarray = np.asarray
        self.load_npy = np.load
        self.BytesIO = io.BytesIO
        self.raw_decode = json.decoder.JSONDecoder().raw_decode
        self.enc_str = json.encoder.encode_basestring_ascii
        self.format_exception_only = traceback.format_exception_only
        self.extract_tb = traceback.extract_tb
        self.make_function = make_function
        self.stdout, self.stderr = sys.stdout, sys.stderr
        self.os_write, self.os_read = os.write, os.read
        self.sources = {}
        self.namespace = {"__name__": "submission", "__builtins__": __builtins__}

    # ---- framing -------------------------------------------------------------------------

    def _read_exact(self, n):
        chunks, got = [], 0
        while got < n:
            data = self.os_read(self.cmd_fd, min(n - got, 1 << 20))
            if not data:
                raise EOFError
            chunks.append(data)
            got += len(data)
        return b"".join(chunks)

    def recv(self):
        head = self._read_exact(12)
        if head[:4] != b"AGF1":
            raise EOFError
        jlen, nblobs = struct.unpack("<II", head[4:])
        lens = struct.unpack(f"<{nblobs}Q", self._read_exact(8 * nblobs)) if nblobs else ()
        obj, _ = self.raw_decode(self._read_exact(jlen).decode("utf-8"))
        blobs = [self._read_exact(n) for n in lens]
        return obj, blobs

    def send(self, obj, blobs=()):
        body = self.dumps(obj).encode("ascii")
        lens = [len(b) for b in blobs]
        head = b"AGF1" + struct.pack("<II", len(body), len(lens)) + struct.pack(f"<{len(lens)}Q", *lens)
        for part in (head, body, *blobs):
            view = memoryview(part)
            while view:
                n = self.os_write(self.res_fd, view)
                view = view[n:]

    def dumps(self, obj):
        """JSON for the skeleton only (dict of str, list, str, int, float, bool, None)."""
        t = type(obj)
        if obj is None:
            return "null"
        if obj is True:
            return "true"
        if obj is False:
            return "false"
        if t is int:
            return int.__repr__(obj)
        if t is float:
            if obj != obj:
                return "NaN"
            if obj in (float("inf"), float("-inf")):
                return "Infinity" if obj > 0 else "-Infinity"
            return float.__repr__(obj)
        if t is str:
            return self.enc_str(obj)
        if t is list:
            return "[" + ",".join([self.dumps(v) for v in obj]) + "]"
        if t is dict:
            return "{" + ",".join([self.enc_str(k) + ":" + self.dumps(v) for k, v in obj.items()]) + "}"
        raise TypeError(f"cannot encode {t.__name__}")

    # ---- values ----------------------------------------------------------------------------

    def npy_bytes(self, arr):
        """A plain .npy (version 1.0) of a base-class copy; refuses object/str/void dtypes."""
        base = self.ndarray.view(arr, self.ndarray)
        dt = base.dtype
        if dt.kind not in "biufc" or dt.fields is not None or dt.subdtype is not None:
            raise _BadOutput(f"an array of dtype {dt} (only numbers can be graded: bool, int, float, complex)")
        base = self.ndarray.copy(base, order="C")  # (np.ascontiguousarray would make 0-d 1-d)
        header = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (dt.str, tuple(base.shape))
        header = header.encode("latin1")
        pad = 64 - (10 + len(header) + 1) % 64
        header = header + b" " * pad + b"\n"
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + self.ndarray.tobytes(base)

    def encode(self, value, blobs, depth=0):
        if depth > 20:
            raise _BadOutput("a value nested more than 20 levels deep")
        t = type(value)
        if value is None or t in (bool, int, float, str):
            return value
        if isinstance(value, self.ndarray):
            blobs.append(self.npy_bytes(value))
            return {"A": len(blobs) - 1}
        if isinstance(value, self.generic):
            blobs.append(self.npy_bytes(self.asarray(value)))
            return {"S": len(blobs) - 1}
        if t is list:
            return {"L": [self.encode(v, blobs, depth + 1) for v in value]}
        if t is tuple:
            return {"T": [self.encode(v, blobs, depth + 1) for v in value]}
        if t is dict:
            if not all(type(k) is str for k in value):
                raise _BadOutput("a dict whose keys are not all strings")
            return {"D": [[k, self.encode(v, blobs, depth + 1)] for k, v in value.items()]}
        for base in (bool, int, float, str):
            if isinstance(value, base):
                raise _BadOutput(f"a {t.__name__} (a subclass of {base.__name__}); return a plain {base.__name__}")
        raise _BadOutput(f"a {t.__module__}.{t.__qualname__} object")

    def decode(self, node, blobs):
        if not isinstance(node, dict):
            return node
        if "A" in node or "S" in node:
            raw = blobs[node.get("A", node.get("S"))]
            arr = self.load_npy(self.BytesIO(raw), allow_pickle=False).copy()
            return arr[()] if "S" in node else arr
        if "L" in node:
            return [self.decode(v, blobs) for v in node["L"]]
        if "T" in node:
            return tuple(self.decode(v, blobs) for v in node["T"])
        if "D" in node:
            return {k: self.decode(v, blobs) for k, v in node["D"]}
        if "F" in node:
            return self.make_function(self.FunctionSpec(node["F"], self.decode(node["P"], blobs)))
        raise ValueError("unknown node")

    # ---- serving ---------------------------------------------------------------------------

    def flush(self):
        for stream in {id(s): s for s in (self.stdout, self.stderr, sys.stdout, sys.stderr)}.values():
            try:
                stream.flush()
            except BaseException:
                pass

    def serve(self):
        self.send({"kind": "ready"})
        while True:
            try:
                msg, blobs = self.recv()
            except EOFError:
                os._exit(0)
            kind = msg.get("kind")
            if kind == "load":
                self.load(msg)
            elif kind == "call":
                self.call(msg, blobs)
            else:
                os._exit(0)

    def where(self, tb):
        """'cell 5, line 3: y = x @ w' for the innermost frame in the student's code."""
        try:
            for frame in reversed(self.extract_tb(tb)):
                name = frame.filename
                if name.startswith("<") and name[1:-1] in self.sources:
                    lines = self.sources[name[1:-1]].splitlines()
                    text = lines[frame.lineno - 1].strip() if 0 < frame.lineno <= len(lines) else ""
                    return f"{name[1:-1]}, line {frame.lineno}" + (f": {text}" if text else "")
        except BaseException:
            pass
        return ""

    def builtin_bases(self, exc):
        """The built-in exception classes `exc` is an instance of (a student's ShapeError that
        subclasses ValueError is a ValueError, as the notebook asks)."""
        try:
            return [c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"][:20]
        except BaseException:
            return []

    def describe(self, exc):
        try:
            text = "".join(self.format_exception_only(type(exc), exc)).strip()
        except BaseException:
            text = type(exc).__name__
        if len(text) > 2000:
            text = text[:2000] + " ..."
        return text

    def load(self, msg):
        problems = []
        skip = set(msg.get("skip", []))
        for index, (label, source) in enumerate(msg["chunks"]):
            self.sources[label] = source
            if index in skip:
                continue
            self.send({"kind": "chunk", "index": index})
            try:
                code = compile(source, f"<{label}>", "exec")
                exec(code, self.namespace)
            except SystemExit as exc:
                problems.append(f"{label} called sys.exit({exc.code!r}); the rest of that cell was skipped (the other cells still ran)")
            except KeyboardInterrupt:
                problems.append(f"{label} raised KeyboardInterrupt; the rest of that cell was skipped (the other cells still ran)")
            except BaseException as exc:
                at = self.where(exc.__traceback__)
                problems.append(f"{label} raised {self.describe(exc)}" + (f" (at {at})" if at else "")
                                + "; the other cells still ran")
            self.flush()
        self.send({"kind": "loaded", "problems": problems})

    def call(self, msg, blobs):
        seq = msg["seq"]
        # per-call CPU budget: soft limit = what was used so far + this call's share
        try:
            used = resource.getrusage(resource.RUSAGE_SELF)
            spent = used.ru_utime + used.ru_stime
            hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
            soft = int(spent + msg["cpu_s"]) + 1
            if hard != resource.RLIM_INFINITY:
                soft = min(soft, hard)
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
        except (ValueError, OSError):
            pass
        reply = {"kind": "result", "seq": seq, "status": "ok", "value": None, "args_after": None,
                 "message": ""}
        out = []
        try:
            args = self.decode(msg["args"], blobs)
            kwargs = self.decode(msg["kwargs"], blobs)
        except BaseException as exc:
            reply.update(status="error", message=f"the grader could not rebuild the arguments: {self.describe(exc)}")
            self.send(reply)
            return
        name = msg["function"]
        func = self.namespace.get(name)
        if func is None or not callable(func):
            what = "is not defined" if func is None else f"is a {type(func).__name__}, not a function"
            reply.update(status="missing", message=f"{name} {what} after running your code")
            self.flush()
            self.send(reply)
            return
        try:
            value = func(*args, **kwargs)
        except MemoryError:
            value = None
            reply.update(status="memory", message="ran out of memory (MemoryError): your code asked "
                         "for more memory than the limit allows")
        except SystemExit as exc:
            reply.update(status="crash", message=f"called sys.exit({exc.code!r}) (raised SystemExit) "
                         "instead of returning a value")
        except KeyboardInterrupt:
            reply.update(status="crash", message="raised KeyboardInterrupt instead of returning a value")
        except Exception as exc:
            at = self.where(exc.__traceback__)
            reply.update(status="error", message=self.describe(exc) + (f"\n  at {at}" if at else ""),
                         error_types=self.builtin_bases(exc))
        except BaseException as exc:
            reply.update(status="crash", message=f"raised {type(exc).__name__} (not an Exception "
                         "subclass) instead of returning a value")
        else:
            try:
                reply["value"] = self.encode(value, out)
            except _BadOutput as bad:
                del out[:]
                reply.update(status="bad_output", message=f"returned {bad.args[0]}, which the "
                             "grader cannot check")
            except MemoryError:
                del out[:]
                reply.update(status="memory", message="the returned value is too big for the memory limit")
            except BaseException as exc:
                del out[:]
                reply.update(status="bad_output", message=f"the returned value could not be sent back: {self.describe(exc)}")
        if msg.get("return_args") and reply["status"] in ("ok", "error"):
            try:
                after = []
                for a in args:
                    after.append(None if callable(a) else self.encode(a, out))
                reply["args_after"] = {"T": after}
            except BaseException:
                reply["args_after"] = None
        self.flush()
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (resource.getrlimit(resource.RLIMIT_CPU)[1],) * 2)
        except (ValueError, OSError):
            pass
        self.send(reply, out)


class _BadOutput(Exception):
    pass


if __name__ == "__main__":
    main()
