"""The runner inside the sandbox: executes the student's chunks once, then answers calls.

Started by autograder/sandbox.py as `python -I _child.py CMD_FD RESULT_FD SETUP_JSON`. It never
imports the autograder package (the course folder is not visible here); it loads isolation.py,
testfunctions.py and wire.py that sit next to it (bind-mounted read-only) by path, under private
names, and their folder is covered (isolation.enter) before the student's code runs.

The frames and messages exchanged with the parent are those of wire.py (the one copy of the
format, shared with sandbox.py), over private pipes, never stdout/stderr. What went wrong is sent
as a note, [code, {field: value}] (wire's module doc), never as a sentence: the parent says the
code's message in the course's language, and a code it does not know is refused.

Everything here runs in the student's process, so nothing it sends is trusted: the parent decodes
strictly and judges. The references below (and wire's own) are captured before any student code
runs, so casual monkeypatching of numpy, json or struct does not break the runner for the
student's honest functions.
"""
import os
import resource
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _load_helpers():
    """isolation.py, testfunctions.py and wire.py from beside this file, loaded by path under
    private names and then forgotten by sys.modules: the student's code cannot import them,
    and isolation.enter covers their folder before it runs (the runner keeps the module objects,
    already executed: nothing is read from that folder afterwards)."""
    import importlib.util

    modules = []
    for name in ("isolation", "testfunctions", "wire"):
        spec = importlib.util.spec_from_file_location(f"_grader_{name}", os.path.join(_HERE, f"{name}.py"))
        assert spec is not None and spec.loader is not None, name  # our own file, next to us
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while it loads
        try:
            spec.loader.exec_module(module)
        finally:
            del sys.modules[spec.name]
        modules.append(module)
    return modules  # (python -I keeps the runner's folder off sys.path)


def main():
    import gc
    import json

    # The runner's imports (numpy, matplotlib) make many objects and next to no garbage: the
    # collector is off while they load, and what they made is then frozen (gc.freeze: never
    # scanned again, by this start or by the student's collections). About 10 % of the start.
    gc.disable()
    cmd_fd, res_fd = int(sys.argv[1]), int(sys.argv[2])
    setup = json.loads(sys.argv[3])
    isolation, testfunctions, wire = _load_helpers()
    # limits, private folders, runner files covered, privileges dropped: before any student code
    isolation.enter(setup)
    for name in setup.get("preimport", []):  # a spare: the notebooks' imports, before they are needed
        try:
            __import__(name)
        except BaseException:
            pass
    gc.freeze()
    gc.enable()  # before any student code: its garbage is collected as usual
    runner = Runner(cmd_fd, res_fd, testfunctions, wire)
    runner.serve()


class Runner:
    def __init__(self, cmd_fd, res_fd, testfunctions, wire):
        import traceback

        FunctionSpec, make_function = testfunctions.FunctionSpec, testfunctions.make_function
        self.cmd_fd, self.res_fd = cmd_fd, res_fd
        # captured now: the student may replace module attributes later
        self.wire = wire
        self.BadValue, self.ProtocolError = wire.BadValue, wire.ProtocolError
        self.read_frame, self.frame_parts = wire.read_frame, wire.frame_parts
        self.encode, self.encode_args_after = wire.encode_result, wire.encode_args_after
        self.decode_values = wire.decode
        self.rebuild_function = lambda name, params: make_function(FunctionSpec(name, params))
        self.format_exception_only = traceback.format_exception_only
        self.extract_tb = traceback.extract_tb
        self.stdout, self.stderr = sys.stdout, sys.stderr
        self.os_write, self.os_read = os.write, os.read
        self.sources = {}
        self.namespace = {"__name__": "submission", "__builtins__": __builtins__}

    # ---- I/O (the frame format is wire's) ---------------------------------------------------

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
        return self.read_frame(self._read_exact)

    def send(self, obj, blobs=()):
        for part in self.frame_parts(obj, blobs):
            view = memoryview(part)
            while view:
                n = self.os_write(self.res_fd, view)
                view = view[n:]

    def decode(self, node, blobs):
        return self.decode_values(node, blobs, self.rebuild_function)

    # ---- serving ---------------------------------------------------------------------------

    def flush(self):
        for stream in {id(s): s for s in (self.stdout, self.stderr, sys.stdout, sys.stderr)}.values():
            try:
                stream.flush()
            except BaseException:
                pass

    def serve(self):
        wire = self.wire
        self.send({"kind": wire.READY})
        while True:
            try:
                msg, blobs = self.recv()
            except (EOFError, self.ProtocolError):
                os._exit(0)
            kind = msg.get("kind")
            if kind == wire.LOAD:
                self.load(msg)
            elif kind == wire.CALL:
                self.call(msg, blobs)
            else:
                os._exit(0)

    def where(self, tb):
        """The note for the innermost frame in the student's code ("cell 5, line 3: y = x @ w",
        said by the parent), or None."""
        try:
            for frame in reversed(self.extract_tb(tb)):
                name = frame.filename
                if name.startswith("<") and name[1:-1] in self.sources:
                    lines = self.sources[name[1:-1]].splitlines()
                    at = frame.lineno or 0
                    text = lines[at - 1].strip() if 0 < at <= len(lines) else ""
                    fields = {"label": name[1:-1], "line": int(at)}
                    if text:
                        return ["place_code", dict(fields, code=text[:500])]
                    return ["place", fields]
        except BaseException:
            pass
        return None

    def plain(self, text):
        """`text` as an exact str for a note (a student's class may name itself with a str
        subclass, which the wire refuses)."""
        try:
            return str.__str__(text)[:2000]
        except BaseException:
            return "?"

    def shown(self, value):
        """repr(value) for a note (the student's object: its repr may fail or be huge)."""
        try:
            text = repr(value)
        except BaseException:
            text = "?"
        text = self.plain(text)
        return text if len(text) <= 200 else text[:200] + " ..."

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
        # the hard CPU cap of this child, now that its calls are known: only ever lowered
        try:
            cap = int(msg["cpu_hard_s"]) + 1
            hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
            if hard == resource.RLIM_INFINITY or cap < hard:
                resource.setrlimit(resource.RLIMIT_CPU, (cap, cap))
        except (KeyError, TypeError, ValueError, OSError):
            pass
        problems = []
        skip = set(msg.get("skip", []))
        for index, (label, source) in enumerate(msg["chunks"]):
            self.sources[label] = source
            if index in skip:
                continue
            self.send({"kind": self.wire.CHUNK, "index": index})
            try:
                code = compile(source, f"<{label}>", "exec")
                exec(code, self.namespace)
            except SystemExit as exc:
                problems.append(["chunk_exit", {"label": label, "code": self.shown(exc.code)}])
            except KeyboardInterrupt:
                problems.append(["chunk_interrupt", {"label": label}])
            except BaseException as exc:
                at = self.where(exc.__traceback__)
                fields = {"label": label, "exception": self.describe(exc)}
                problems.append(["chunk_raised_at", dict(fields, place=at)] if at
                                else ["chunk_raised", fields])
            self.flush()
        self.send({"kind": self.wire.LOADED, "problems": problems})

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
        reply = {"kind": self.wire.RESULT, "seq": seq, "status": "ok", "value": None, "args_after": None,
                 "note": None, "exception": None, "place": None}
        out: list[bytes] = []
        try:
            args = self.decode(msg["args"], blobs)
            kwargs = self.decode(msg["kwargs"], blobs)
        except BaseException as exc:
            reply.update(status="error", note=["bad_arguments", {"exception": self.describe(exc)}])
            self.send(reply)
            return
        name = msg["function"]
        func = self.namespace.get(name)
        if func is None or not callable(func):
            note = (["not_defined", {"function": name}] if func is None else
                    ["not_a_function", {"function": name, "type": self.plain(type(func).__name__)}])
            reply.update(status="missing", note=note)
            self.flush()
            self.send(reply)
            return
        try:
            value = func(*args, **kwargs)
        except MemoryError:
            value = None
            reply.update(status="memory", note=["memory_error", {}])
        except SystemExit as exc:
            reply.update(status="crash", note=["call_exit", {"code": self.shown(exc.code)}])
        except KeyboardInterrupt:
            reply.update(status="crash", note=["call_interrupt", {}])
        except Exception as exc:
            reply.update(status="error", exception=self.describe(exc), place=self.where(exc.__traceback__),
                         error_types=self.builtin_bases(exc))
        except BaseException as exc:
            reply.update(status="crash", note=["base_exception", {"type": self.plain(type(exc).__name__)}])
        else:
            try:
                reply["value"] = self.encode(value, out)
            except self.BadValue as bad:
                del out[:]
                reply.update(status="bad_output", note=["returned_bad", {"value": bad.note}])
            except MemoryError:
                del out[:]
                reply.update(status="memory", note=["value_too_big", {}])
            except BaseException as exc:
                del out[:]
                reply.update(status="bad_output", note=["not_sent", {"exception": self.describe(exc)}])
        if msg.get("return_args") and reply["status"] in ("ok", "error"):
            try:
                reply["args_after"] = self.encode_args_after(args, out)
            except BaseException:
                reply["args_after"] = None
        self.flush()
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (resource.getrlimit(resource.RLIMIT_CPU)[1],) * 2)
        except (ValueError, OSError):
            pass
        self.send(reply, out)


if __name__ == "__main__":
    main()
