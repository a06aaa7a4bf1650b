"""Run a student's code in an isolated child process; only plain data comes back.

`run_submission(chunks, calls, limits)` starts ONE child per submission (bubblewrap when it is
usable, see isolation.py), executes the chunks once in a shared namespace (each in its own
try/except), then answers every call. Arguments go in and results come back as a JSON skeleton
plus .npy blobs over private pipes (not stdout/stderr, so printing cannot forge a result); arrays
are loaded here with allow_pickle=False and handed out as base-class ndarrays that keep the
student's numeric dtype. The parent never holds an object made by the student's code. The frame
format, the message kinds, the statuses and Call/CallOutcome are wire.py's (shared with _child.py;
Call, CallOutcome and STATUSES are re-exported here).

Costs of misbehaviour:
- a call over the time limit (wall or CPU) or out of memory: the child is killed with everything
  it started (PID namespace), a fresh one serves the next calls, and the other calls of THAT
  function are `skipped`: a function that hangs costs one time limit;
- exit, os._exit, a segfault: that call is `crash`, the child is restarted, the rest goes on
  (SystemExit / KeyboardInterrupt / odd BaseExceptions are caught in the child: no restart needed);
- a chunk that raises: reported in `load_problems`, the other chunks still run; a chunk that ends
  the process is skipped on restart; loading that exceeds the time limit: every call `load_failed`;
- output: kept up to limits.output_kb per call, the rest is read and thrown away.

Every message a student reads is said here, in the parent, in the current language (the course's,
autograder.i18n): the child sends notes, codes of NOTES with their fields, never sentences
(say_note).
"""
from __future__ import annotations

import contextlib
import os
import selectors
import signal
import string
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np

from . import childproc, early, i18n, isolation, wire
from .childproc import PREIMPORTABLE, imports_worth_starting  # noqa: F401 (re-exported)
from .cleanup import remove_tree
from .i18n import N_, Message, _
from .submission import chunk_name
from .testfunctions import FunctionSpec
from .wire import STATUSES, Call, CallOutcome, ProtocolError, Status  # noqa: F401 (re-exported)

STARTUP_TIMEOUT_S = 60.0  # interpreter + numpy import, before any student code; generous on a busy box
_HERE = Path(__file__).resolve().parent


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be set up here and running unprotected was not allowed."""


class SandboxError(RuntimeError):
    """The sandbox itself failed before any student code ran (a set-up problem, not the student's)."""


@dataclass
class SandboxRun:
    outcomes: list[CallOutcome]
    load_problems: list[str]
    isolation: str


# ---------------------------------------------------------------------------------------------
# what protects us (probed once per process)

_runner_files = childproc.runner_files  # (how a child is started is childproc.py's)
_protected_paths = childproc.protected_paths


def resolve_isolation(allow_unprotected: bool = False) -> tuple[str, isolation.Probe | None, bool]:
    """(description, usable probe or None, drop privileges when unprotected). Cheap: the probe
    itself is cached by isolation.probe(); the rest is a few stat calls.

    Raises SandboxUnavailable (why + how to fix) when bubblewrap is unusable and
    allow_unprotected is False.
    """
    isolation.wait_for_early_probe()  # started by the command line, if it did
    probe = isolation.probe()
    if probe.usable:
        return probe.describe(), probe, False
    if not allow_unprotected:
        raise SandboxUnavailable(
            f"cannot grade safely: {probe.reason}. Student code would run with access to the "
            "course folder, solutions/ and the gradebook. Fix: install bubblewrap (`apt-get install "
            "bubblewrap`), or, if you accept the risk, set grading.sandbox.allow_unprotected: true "
            "in course.yml."
        )
    needed = [os.path.dirname(os.__file__), os.path.dirname(np.__file__), str(_HERE)]
    drops = isolation.unprotected_drops_privileges(needed)
    return isolation.unprotected_description(drops, probe.reason), None, drops


_SIGNAL_WORDS: dict[int, Message | str] = {
    signal.SIGSEGV: Message("a segmentation fault (SIGSEGV)"),
    signal.SIGABRT: Message("an abort (SIGABRT)"),
    signal.SIGBUS: Message("a bus error (SIGBUS)"),
    signal.SIGFPE: Message("a floating-point exception (SIGFPE)"),
    signal.SIGILL: Message("an illegal instruction (SIGILL)"),
    signal.SIGKILL: "SIGKILL",
    signal.SIGTERM: "SIGTERM",
}


# ---------------------------------------------------------------------------------------------
# what the child says: notes (see wire's module doc)

# code -> message. The child sends a code and the values of its fields; nothing else it sends
# is ever read as a message. A field named `label` holds a chunk's label ("cell 5"), said with
# submission.chunk_name; a field may itself be a note (`place`, `value`).
NOTES: dict[str, str] = {
    # loading the chunks (LOADED's problems)
    "chunk_exit": N_("{label} called sys.exit({code}); the rest of that cell was skipped (the "
                     "other cells still ran)"),
    "chunk_interrupt": N_("{label} raised KeyboardInterrupt; the rest of that cell was skipped "
                          "(the other cells still ran)"),
    "chunk_raised": N_("{label} raised {exception}; the other cells still ran"),
    "chunk_raised_at": N_("{label} raised {exception} (at {place}); the other cells still ran"),
    # where in the student's code
    "place": N_("{label}, line {line}"),
    "place_code": N_("{label}, line {line}: {code}"),
    # one call (RESULT's note)
    "bad_arguments": N_("the grader could not rebuild the arguments: {exception}"),
    "not_defined": N_("{function} is not defined after running your code"),
    "not_a_function": N_("{function} is a {type}, not a function after running your code"),
    "memory_error": N_("ran out of memory (MemoryError): your code asked for more memory than "
                       "the limit allows"),
    "call_exit": N_("called sys.exit({code}) (raised SystemExit) instead of returning a value"),
    "call_interrupt": N_("raised KeyboardInterrupt instead of returning a value"),
    "base_exception": N_("raised {type} (not an Exception subclass) instead of returning a value"),
    "returned_bad": N_("returned {value}, which the grader cannot check"),
    "value_too_big": N_("the returned value is too big for the memory limit"),
    "not_sent": N_("the returned value could not be sent back: {exception}"),
    # a value that cannot be graded (wire.BadValue's note; its English text says the same)
    "dtype": N_("an array of dtype {dtype} (only numbers can be graded: bool, int, float, "
                "complex)"),
    "unreadable_array": N_("an array that could not be read ({problem})"),
    "not_one_array": N_("something that is not a single array"),
    "array_dtype": N_("an array of dtype {dtype} (only bool, int, float and complex can be "
                      "graded)"),
    "nested": N_("a value nested more than {depth} levels deep"),
    "dict_keys": N_("a dict whose keys are not all strings"),
    "plain_subclass": N_("a {type} (a subclass of {base}); return a plain {base}"),
    "object": N_("a {type} object"),
}
_NOTE_FIELDS = {code: {part[1] for part in string.Formatter().parse(text) if part[1]}
                for code, text in NOTES.items()}
_MAX_FIELD = 2000  # characters of one field value (an exception's text is cut at 2000 already)


def say_note(note: object, depth: int = 0) -> str:
    """A note from the child, [code, {field: value}], said in the current language; ProtocolError
    for anything else (an unknown code, a missing field, a value that is not a str, an int or a
    note). The message is always NOTES[code], never text from the child: its values only fill the
    named fields (str.format does not read braces inside a value)."""
    if (depth > 2 or type(note) is not list or len(note) != 2 or type(note[0]) is not str
            or type(note[1]) is not dict):
        raise ProtocolError("a note that is not [code, fields]")
    code, given = note
    if code not in NOTES:
        raise ProtocolError("a note whose code the grader does not know")
    fields: dict[str, object] = {}
    for name in _NOTE_FIELDS[code]:
        value = given.get(name)
        if type(value) is list:
            fields[name] = say_note(value, depth + 1)
        elif type(value) is int:
            fields[name] = value
        elif type(value) is str:
            value = value if len(value) <= _MAX_FIELD else value[:_MAX_FIELD] + " ..."
            fields[name] = chunk_name(value) if name == "label" else value
        else:
            raise ProtocolError(f"note {code!r}: field {name!r} is missing or not plain")
    # NOTES marks every message for the catalogue (N_); here one of them is said
    return i18n._(NOTES[code], **fields)


# ---------------------------------------------------------------------------------------------
# one child process


class _Died(Exception):
    def __init__(self, signum: int | None, code: int | None):
        self.signum, self.code = signum, code

    def describe(self) -> Message:
        """What the code did, to be said after the function or cell that did it."""
        if self.signum == signal.SIGXCPU:
            return Message("used up its CPU time limit")
        if self.signum is not None:
            name = _SIGNAL_WORDS.get(self.signum)
            if name is None:
                try:
                    name = signal.Signals(self.signum).name
                except ValueError:
                    name = Message("signal {number}", number=self.signum)
            return Message("ended the process with {signal}", signal=name)
        return Message("ended the process with exit code {code} (os._exit, or a crash)",
                       code=self.code)


class _Timeout(Exception):
    pass


class _Child:
    """One sandboxed runner process and its three pipes (commands, results, output)."""

    def __init__(self, limits, probe: isolation.Probe | None, drop: bool, n_calls: int | None,
                 preimport: tuple[str, ...] = ()):
        self.limits, self.probe, self.drop = limits, probe, drop
        # the hard CPU cap of the whole child; a spare, started before its calls are known, gets
        # it with the LOAD message (the runner lowers it before the first line of student code)
        self.cpu_hard = None if n_calls is None else cpu_hard_limit(limits, n_calls)
        self.preimport = preimport
        self.proc: subprocess.Popen | None = None
        self.broken = False  # a call left it in a state no further call may use
        self.scratch: str | None = None
        self.res_buf = bytearray()
        self.out_buf = bytearray()
        self.out_dropped = 0
        self.out_cap = int(limits.output_kb) * 1024
        self.max_frame = int(limits.memory_mb) * 1024 * 1024 + (64 << 20)

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> None:
        self.spawn()
        self.wait_ready()

    def spawn(self) -> None:
        """Start the process; it gets ready (imports, limits, cover) while we do other work."""
        self.attach(childproc.start(self.limits, self.probe, self.drop, self.cpu_hard,
                                    self.preimport))

    def attach(self, started: childproc.Started) -> None:
        """Take over a process started for this child (by spawn, or early by the command line)."""
        self.proc, self.scratch = started.proc, started.scratch
        self.cmd_w, self.res_r, self.out_r = started.cmd_w, started.res_r, started.out_r
        os.set_blocking(self.res_r, False)
        os.set_blocking(self.out_r, False)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.res_r, selectors.EVENT_READ, "res")
        self.sel.register(self.out_r, selectors.EVENT_READ, "out")

    def wait_ready(self) -> None:
        """Wait for the child's READY (it is inside its sandbox, before any student code)."""
        try:
            msg, _blobs = self.receive(time.monotonic() + STARTUP_TIMEOUT_S)
        except (_Died, _Timeout, ProtocolError) as exc:
            output = self.take_output()
            self.kill()
            what = exc.describe().english() if isinstance(exc, _Died) else type(exc).__name__.strip("_")
            raise SandboxError(f"the sandboxed child did not start ({what}); its output:\n"
                               f"{output}") from exc
        if msg.get("kind") != wire.READY:
            self.kill()
            raise SandboxError(f"the sandboxed child sent {msg!r} instead of ready")
        self.take_output()

    def kill(self) -> None:
        """Kill the child and everything it started, close the pipes, remove its scratch folder."""
        if self.proc is not None:
            childproc.end(self.proc)
            self.proc = None
        for name in ("sel",):
            if hasattr(self, name):
                try:
                    self.sel.close()
                except Exception:
                    pass
        for fd in ("cmd_w", "res_r", "out_r"):
            if hasattr(self, fd):
                try:
                    os.close(getattr(self, fd))
                except OSError:
                    pass
                delattr(self, fd)
        if self.scratch:
            remove_tree(self.scratch)  # without bubblewrap the student could make it any shape
            self.scratch = None

    # -- I/O -----------------------------------------------------------------------------------

    def send(self, obj: dict, blobs: list[bytes], deadline: float) -> None:
        """Write a frame, draining output meanwhile (the child may be printing); _Died/_Timeout."""
        data = memoryview(wire.pack_frame(obj, blobs))
        os.set_blocking(self.cmd_w, False)
        key = self.sel.register(self.cmd_w, selectors.EVENT_WRITE, "cmd")
        try:
            while data:
                for k, _events in self.sel.select(timeout=max(0.0, min(0.1, deadline - time.monotonic()))):
                    if k.data == "cmd":
                        try:
                            n = os.write(self.cmd_w, data[:1 << 16])
                            data = data[n:]
                        except BlockingIOError:
                            pass
                        except BrokenPipeError:
                            raise self._died() from None
                    else:
                        self._read(k.data)
                if data:
                    self._check(deadline)
        finally:
            self.sel.unregister(key.fileobj)

    def _fd(self, which: str) -> int:
        return self.res_r if which == "res" else self.out_r

    def _keep(self, which: str, data: bytes) -> None:
        """Results are buffered whole (bounded); printed output is kept up to its cap."""
        if which == "res":
            self.res_buf += data
            if len(self.res_buf) > self.max_frame + (16 << 20):
                raise ProtocolError("result too large")
        else:
            room = self.out_cap - len(self.out_buf)
            if room > 0:
                self.out_buf += data[:room]
            self.out_dropped += max(0, len(data) - max(room, 0))

    def _read(self, which: str) -> bool:
        """One read of a ready pipe; False (and unregistered) at end of file."""
        fd = self._fd(which)
        try:
            data = os.read(fd, 1 << 20)
        except BlockingIOError:
            return True
        if not data:
            self.sel.unregister(fd)
            return False
        self._keep(which, data)
        return True

    def _drain(self, which: str) -> None:
        """Everything a pipe holds right now (the child may be gone)."""
        fd = self._fd(which)
        for _attempt in range(1000):
            try:
                data = os.read(fd, 1 << 20)
            except OSError:  # nothing more for now (BlockingIOError), or closed
                return
            if not data:
                return
            self._keep(which, data)

    def _died(self) -> _Died:
        rc = self.proc.wait(timeout=10) if self.proc else None
        if rc is None:
            return _Died(None, None)
        if rc < 0:
            return _Died(-rc, None)
        if self.probe is not None and rc > 128:  # bwrap reports a signal as 128 + n
            return _Died(rc - 128, None)
        return _Died(None, rc)

    def _check(self, deadline: float) -> None:
        assert self.proc is not None, "started"
        if self.proc.poll() is not None:
            # gone: collect what it managed to write; a complete last message still counts
            self._drain("out")
            self._drain("res")
            if self._parse_complete():
                return
            raise self._died()
        if time.monotonic() >= deadline:
            raise _Timeout()

    def _parse(self) -> tuple[dict, list[bytes]] | None:
        """The next whole message in the buffer (taken out of it), or None while it is partial."""
        return wire.take_frame(self.res_buf, self.max_frame)

    def receive(self, deadline: float) -> tuple[dict, list[bytes]]:
        """The next message from the child; meanwhile keep reading its output (never blocks it)."""
        while True:
            parsed = self._parse()
            if parsed is not None:
                return parsed
            for key, _events in self.sel.select(timeout=max(0.0, min(0.1, deadline - time.monotonic()))):
                self._read(key.data)
            parsed = self._parse()
            if parsed is not None:
                return parsed
            self._check(deadline)

    def _parse_complete(self) -> bool:
        """Does the buffer hold a whole frame (what a child that just died managed to send)?"""
        try:
            header = wire.parse_header(self.res_buf, self.max_frame)
        except ProtocolError:
            return False
        return header is not None and len(self.res_buf) >= header[2]

    def take_output(self) -> str:
        if hasattr(self, "out_r"):
            self._drain("out")
        text = bytes(self.out_buf).decode("utf-8", errors="replace")
        if self.out_dropped:
            text += "\n" + _("... [output cut: {bytes} more bytes were printed; the limit is {kb} KB]",
                             bytes=self.out_dropped, kb=self.limits.output_kb)
        self.out_buf.clear()
        self.out_dropped = 0
        return text


# ---------------------------------------------------------------------------------------------
# the public entry point


def cpu_hard_limit(limits, n_calls: int) -> float:
    """The hard CPU cap (seconds) of a child that loads the code and answers `n_calls` calls."""
    return float(limits.cpu_s) * (n_calls + 2) + 60


# Spare children: started ahead of time, so that a child's start (bubblewrap, Python, numpy,
# matplotlib: about half a second) overlaps with the grader's own work instead of adding to it.
# Each spare serves exactly one submission, as every child does.
_spares: dict[tuple, _Child] = {}
_spares_left = 0
_spare_imports: tuple[str, ...] = ()


def _spare_key(limits, probe, drop) -> tuple:
    return (repr(limits), probe, drop)


def _spawn_spare(limits, probe, drop) -> None:
    global _spares_left
    key = _spare_key(limits, probe, drop)
    if _spares_left <= 0 or key in _spares:
        return
    child = _Child(limits, probe, drop, None, preimport=_spare_imports)
    started = early.take(limits, probe, drop, _spare_imports)  # the command line's, if it fits
    if started is not None:
        child.attach(started)
    else:
        child.spawn()
    _spares[key] = child
    _spares_left -= 1


def _take_spare(limits, probe, drop) -> _Child | None:
    """A spare started for these limits (and a new spare for the next submission), or None."""
    child = _spares.pop(_spare_key(limits, probe, drop), None)
    if child is not None:
        try:
            if child.proc is None:
                raise SandboxError("the spare was killed before use")
            child.wait_ready()
        except (SandboxError, OSError, ValueError):
            child.kill()
            child = None  # the caller starts an ordinary child and reports what goes wrong then
        _spawn_spare(limits, probe, drop)
    return child


@contextlib.contextmanager
def warm_children(limits, submissions: int, *, preimport: tuple[str, ...] = (),
                  allow_unprotected: bool = False) -> Iterator[None]:
    """Within this block, up to `submissions` sandbox children are started one submission ahead
    of their use: the first at once, each next one as the previous is taken, each importing
    `preimport` (see imports_worth_starting) before its submission arrives. What is left at the
    end is killed. The first is the one `grade` started before the grader was imported
    (early.py) when that one was started exactly as this spare would be; an early child started
    for anything else is killed. Raises SandboxUnavailable as run_submission would.
    AUTOGRADER_NO_SPARES=1 switches spares off (every child starts on demand, and none starts
    early), for `make bench` and for debugging."""
    global _spares_left, _spare_imports
    _description, probe, drop = resolve_isolation(allow_unprotected)
    _spares_left = 0 if os.environ.get("AUTOGRADER_NO_SPARES") else submissions
    _spare_imports = tuple(m for m in preimport if m in PREIMPORTABLE)
    try:
        _spawn_spare(limits, probe, drop)
        early.discard()  # started early for something else (other limits): not needed
        yield
    finally:
        _spares_left = 0
        early.discard()
        while _spares:
            _spares.popitem()[1].kill()


class _LoadTimeout(Exception):
    def __init__(self, label: str | None):
        self.label = label


def _start_and_load(chunks, skip: set[int], limits, probe, drop, n_calls):
    """A child that has run the chunks. Returns (child, problems, died_in_chunk_problems).

    A chunk that ends the process is added to `skip` and the child restarted without it.
    """
    extra: list[str] = []
    spare = _take_spare(limits, probe, drop)
    while True:
        if spare is not None:
            child, spare = spare, None
        else:
            child = _Child(limits, probe, drop, n_calls)
            child.start()
        current: int | None = None
        msg = {"kind": wire.LOAD, "chunks": [[c.label, c.source] for c in chunks], "skip": sorted(skip),
               "cpu_hard_s": cpu_hard_limit(limits, n_calls)}
        deadline = time.monotonic() + float(limits.time_s)
        try:
            child.send(msg, [], deadline)
            while True:
                reply, _blobs = child.receive(deadline)
                if reply.get("kind") == wire.CHUNK and type(reply.get("index")) is int:
                    current = reply["index"]
                elif reply.get("kind") == wire.LOADED:
                    notes = reply.get("problems")
                    if type(notes) is not list:
                        raise ProtocolError("problems is not a list")
                    problems = [say_note(note) for note in notes[:200]]
                    child.take_output()
                    return child, problems, extra
                else:
                    raise ProtocolError("unexpected message while loading")
        except _Timeout:
            child.kill()
            label = chunks[current].label if current is not None and current < len(chunks) else None
            raise _LoadTimeout(label) from None
        except (_Died, ProtocolError) as exc:
            child.kill()
            if current is None or current in skip:
                raise SandboxError(f"the sandboxed child failed while loading: {exc}") from exc
            why = exc.describe() if isinstance(exc, _Died) else Message(
                "wrote into the grader's private channel")
            extra.append(_("{label} {why}; it was skipped (the other cells still ran)",
                           label=chunk_name(chunks[current].label), why=why))
            skip.add(current)


def run_submission(chunks: Iterable, calls: Iterable[Call], limits, *,
                   allow_unprotected: bool = False) -> SandboxRun:
    """Execute `chunks` (CodeChunk: label, source) once in an isolated child, then every call.

    Returns outcomes aligned with `calls`. Raises SandboxUnavailable when bubblewrap is not usable
    and allow_unprotected is False; SandboxError when the sandbox fails before any student code.
    """
    chunks, calls = list(chunks), list(calls)
    description, probe, drop = resolve_isolation(allow_unprotected)
    outcomes: list[CallOutcome | None] = [None] * len(calls)
    load_problems: list[str] | None = None
    skip: set[int] = set()
    blocked: dict[str, str] = {}  # function -> why its remaining calls are skipped
    child: _Child | None = None
    time_s = float(limits.time_s)
    seconds = f"{time_s:g}"  # the time limit as the messages show it
    try:
        for i, call in enumerate(calls):
            if call.function in blocked:
                outcomes[i] = CallOutcome("skipped", message=_(
                    "not run: an earlier call of {function} {why}", function=call.function,
                    why=blocked[call.function]))
                continue
            if child is None:
                try:
                    child, problems, extra = _start_and_load(chunks, skip, limits, probe, drop,
                                                             len(calls) - i)
                except _LoadTimeout as exc:
                    if exc.label:
                        message = _("loading your code took longer than the {seconds} s time limit "
                                    "({label} was still running), so nothing could be graded; "
                                    "remove long-running code (training loops, big demos) from "
                                    "the cells that define functions",
                                    seconds=seconds, label=chunk_name(exc.label))
                    else:
                        message = _("loading your code took longer than the {seconds} s time limit, "
                                    "so nothing could be graded; remove long-running code "
                                    "(training loops, big demos) from the cells that define "
                                    "functions", seconds=seconds)
                    for j in range(i, len(calls)):
                        outcomes[j] = CallOutcome("load_failed", message=message)
                    if load_problems is None:
                        load_problems = [message]
                    break
                if load_problems is None:
                    load_problems = problems + extra
            outcome = outcomes[i] = _one_call(child, call, i, limits)
            status = outcome.status
            if status in ("timeout", "memory") or child.broken:
                if status == "timeout":
                    blocked[call.function] = _("hit the {seconds} s time limit", seconds=seconds)
                elif status == "memory":
                    blocked[call.function] = _("ran out of memory (limit {megabytes} MB)",
                                               megabytes=limits.memory_mb)
                child.kill()
                child = None
    finally:
        if child is not None:
            child.kill()
    # every call has its outcome by now; "skipped" is only a guard that keeps them aligned
    aligned = [o if o is not None else CallOutcome("skipped", message=_("not run")) for o in outcomes]
    return SandboxRun(outcomes=aligned, load_problems=load_problems or [], isolation=description)


def _one_call(child: _Child, call: Call, seq: int, limits) -> CallOutcome:
    time_s = float(limits.time_s)
    wall, cpu = f"{time_s:g}", f"{float(limits.cpu_s):g}"  # the limits as the messages show them
    blobs: list[bytes] = []
    msg = {"kind": wire.CALL, "seq": seq, "function": call.function,
           "args": wire.encode_args(tuple(call.args), blobs, FunctionSpec),
           "kwargs": wire.encode_args(dict(call.kwargs), blobs, FunctionSpec),
           "return_args": bool(call.return_args), "cpu_s": float(limits.cpu_s)}
    start = time.monotonic()
    deadline = start + time_s
    try:
        child.send(msg, blobs, deadline)
        reply, rblobs = child.receive(deadline)
    except _Timeout:
        child.broken = True
        return CallOutcome("timeout", message=_(
            "did not finish within the {seconds} s time limit and was stopped (an endless loop, "
            "or a very slow algorithm?)", seconds=wall),
            output=child.take_output(), seconds=time.monotonic() - start)
    except _Died as died:
        child.broken = True
        seconds = time.monotonic() - start
        if died.signum == signal.SIGXCPU:
            return CallOutcome("timeout", message=_(
                "used more than the {seconds} s CPU time limit and was stopped",
                seconds=cpu), output=child.take_output(), seconds=seconds)
        return CallOutcome("crash", message=_(
            "{function} {why} instead of returning a value", function=call.function,
            why=died.describe()), output=child.take_output(), seconds=seconds)
    except ProtocolError as exc:
        child.broken = True
        return CallOutcome("bad_output", message=_(
            "the result could not be read: your code wrote into the grader's private channel "
            "({problem})", problem=str(exc)),
            output=child.take_output(), seconds=time.monotonic() - start)
    seconds = time.monotonic() - start
    output = child.take_output()
    if reply.get("kind") != wire.RESULT or reply.get("seq") != seq or reply.get("status") not in STATUSES:
        child.broken = True
        return CallOutcome("bad_output", message=_(
            "the result could not be read: a message that does not belong to this call arrived "
            "on the grader's private channel"), output=output, seconds=seconds)
    status = cast(Status, reply["status"])
    try:
        message = _reply_message(reply)
        value = wire.decode(reply.get("value"), rblobs) if status == "ok" else None
        after = reply.get("args_after")
        args_after = wire.decode(after, rblobs) if after is not None else None
        if args_after is not None and type(args_after) is not tuple:
            raise ProtocolError("args_after is not a tuple")
    except wire.BadValue as exc:
        return CallOutcome("bad_output", message=_("returned {value}", value=say_note(exc.note)),
                           output=output, seconds=seconds)
    except ProtocolError as exc:
        child.broken = True
        return CallOutcome("bad_output", message=_("the result could not be read ({problem})",
                                                   problem=str(exc)),
                           output=output, seconds=seconds)
    kinds = reply.get("error_types")
    error_types = (tuple(k[:64] for k in kinds[:20] if type(k) is str)
                   if isinstance(kinds, list) else ())
    return CallOutcome(status, value=value, args_after=args_after, message=message[:4000],
                       output=output, seconds=seconds, error_types=error_types)


def _reply_message(reply: dict) -> str:
    """What a RESULT says about the call, in the current language: its note, or the text of the
    exception the student's code raised (Python's words, as they are) and where it was raised."""
    note, exception, place = reply.get("note"), reply.get("exception"), reply.get("place")
    if note is not None:
        message = say_note(note)
    elif exception is None:
        message = ""
    elif type(exception) is str:
        message = exception
    else:
        raise ProtocolError("the exception's text is not a string")
    if place is not None:
        message += "\n  " + _("at {place}", place=say_note(place))
    return message
