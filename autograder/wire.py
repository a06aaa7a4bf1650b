"""The wire between the grader (sandbox.py) and its sandboxed child (_child.py), in one place.

Both ends use this module: the parent imports it as `autograder.wire`; the child loads this file
by path under a private name before any student code runs (its folder, /grader, is covered then),
so it must need nothing but the standard library and numpy, and it holds no graded function.

Frame (both directions, over private pipes, never stdout/stderr):
    b"AGF1" | u32 JSON length | u32 blob count | u64 length per blob | JSON | blobs
The JSON is a tagged skeleton: plain JSON numbers/strings/true/false/null, and objects
    {"L": [...]} list, {"T": [...]} tuple, {"D": [[key, value], ...]} dict (str keys),
    {"A": i} ndarray in blob i (.npy), {"S": i} numpy scalar in blob i (0-d .npy),
    {"F": name, "P": {"D": ...}} a FunctionSpec (parent -> child only).
Blobs are .npy version 1.0 of bool/int/uint/float/complex arrays only, written here by hand and
read with allow_pickle=False: no object, string, void or structured dtype crosses either way.

Messages child -> parent: {"kind": "ready"}, {"kind": "chunk", "index": i} (about to run chunk
i), {"kind": "loaded", "problems": [note, ...]}, {"kind": "result", "seq", "status", "value",
"args_after", "note", "exception", "place", "error_types"}. Parent -> child: {"kind": "load",
"chunks": [[label, source], ...], "skip": [...]}, {"kind": "call", "seq", "function", "args",
"kwargs", "return_args", "cpu_s"}.

The child sends no sentences: a note is [code, {field: value}], a code of sandbox.NOTES and the
values of its fields (str, int, or another note: a place in the code, what a value was), which
the parent says in the course's language; "exception" is the text of what the student's code
raised (Python's words, shown as they are) and "place" a note saying where it was raised. So the
student's code can never choose the message, only fill its fields (sandbox.say_note).

What the child sends was made in the student's process and is not trusted: `parse_header`,
`take_frame` and `decode` are strict, and `load_array` refuses anything but a plain numeric array.
`encode_result` (child side) refuses what cannot be graded with a `BadValue` whose text reads
after "returned ...". The references below (struct, json, numpy functions) are captured when this
module loads, before any student code runs, so casual monkeypatching of numpy, json or struct
does not break the runner for the student's honest functions.

`Status` is a `Literal`, not an Enum: statuses stay plain `str` on both ends and in JSON (the
child's encoder and the report take exact `str` only, and nothing needs converting back after
`json` decoding), while mypy still checks `outcome.status == "..."` against the members.
"""
from __future__ import annotations

import io
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np

Status = Literal["ok", "error", "timeout", "memory", "crash", "missing", "skipped", "bad_output",
                 "load_failed"]
STATUSES: tuple[Status, ...] = get_args(Status)

Kind = Literal["ready", "chunk", "loaded", "result", "load", "call"]
KINDS: tuple[Kind, ...] = get_args(Kind)
READY: Kind = "ready"    # child -> parent: started, limits set, runner files covered
CHUNK: Kind = "chunk"    # child -> parent: about to run chunk `index`
LOADED: Kind = "loaded"  # child -> parent: every chunk ran; `problems`
RESULT: Kind = "result"  # child -> parent: one call's outcome
LOAD: Kind = "load"      # parent -> child: run these chunks (except `skip`)
CALL: Kind = "call"      # parent -> child: call a function

MAGIC = b"AGF1"
PREFIX = 12               # magic + u32 JSON length + u32 blob count
MAX_JSON = 64 << 20       # bytes of JSON in one frame
MAX_BLOBS = 1_000_000     # blobs in one frame
MAX_DECODE_DEPTH = 50     # nesting accepted from the other side
MAX_RESULT_DEPTH = 20     # nesting a student's value may have


class ProtocolError(Exception):
    """A frame or message that cannot be ours (possibly forged by the student's code)."""


class BadValue(Exception):
    """A value that cannot be graded; the text reads after "returned ...". `note` says the same
    as data ([code, fields], see the module doc), for the parent to say in the course's language."""

    def __init__(self, text: str, code: str, **fields: str | int) -> None:
        super().__init__(text)
        self.note = [code, fields]


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    return_args: bool = False


@dataclass
class CallOutcome:
    status: Status
    value: object = None
    args_after: tuple | None = None
    message: str = ""
    output: str = ""
    seconds: float = 0.0
    error_types: tuple[str, ...] = ()  # status "error": the built-in classes of what was raised


# captured at load time (see the module docstring)
_pack, _unpack = struct.pack, struct.unpack
_enc_str = json.encoder.encode_basestring_ascii
_json_decode = json.decoder.JSONDecoder().decode
_BytesIO = io.BytesIO
_ndarray, _generic = np.ndarray, np.generic
_asarray, _array, _np_load = np.asarray, np.array, np.load
_PLAIN = (bool, int, float, str)
_exact_str = str.__str__  # an exact str from a str subclass (a class may name itself with one)
_INF = float("inf")


# ---------------------------------------------------------------------------------------------
# frames


def dumps(obj: Any) -> str:
    """ASCII JSON for a skeleton only (dict with str keys, list, str, int, float, bool, None)."""
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
        if obj in (_INF, -_INF):
            return "Infinity" if obj > 0 else "-Infinity"
        return float.__repr__(obj)
    if t is str:
        return _enc_str(obj)
    if t is list:
        return "[" + ",".join([dumps(v) for v in obj]) + "]"
    if t is dict:
        parts = []
        for k, v in obj.items():
            if type(k) is not str:
                raise TypeError(f"cannot encode a {type(k).__name__} key")
            parts.append(_enc_str(k) + ":" + dumps(v))
        return "{" + ",".join(parts) + "}"
    raise TypeError(f"cannot encode {t.__name__}")


def frame_parts(obj: dict, blobs: list[bytes] | tuple = ()) -> list[bytes]:
    """The frame as [header, JSON, *blobs] (written one after the other, no joined copy)."""
    body = dumps(obj).encode("ascii")
    lens = [len(b) for b in blobs]
    head = MAGIC + _pack("<II", len(body), len(lens)) + _pack(f"<{len(lens)}Q", *lens)
    return [head, body, *blobs]


def pack_frame(obj: dict, blobs: list[bytes] | tuple = ()) -> bytes:
    return b"".join(frame_parts(obj, blobs))


def _prefix(head: bytes | bytearray | memoryview) -> tuple[int, int]:
    if bytes(head[:4]) != MAGIC:
        raise ProtocolError("bad frame magic")
    jlen, nblobs = _unpack("<II", head[4:PREFIX])
    if jlen > MAX_JSON or nblobs > MAX_BLOBS:
        raise ProtocolError("frame too large")
    return jlen, nblobs


def parse_header(buf: bytes | bytearray, max_frame: int | None = None
                 ) -> tuple[int, tuple[int, ...], int] | None:
    """(JSON length, blob lengths, total frame length) of the frame at the buffer's start, or
    None while the header is incomplete; ProtocolError for a frame that cannot be ours."""
    if len(buf) < PREFIX:
        return None
    jlen, nblobs = _prefix(buf)
    if len(buf) < PREFIX + 8 * nblobs:
        return None
    lens = _unpack(f"<{nblobs}Q", buf[PREFIX:PREFIX + 8 * nblobs])
    total = PREFIX + 8 * nblobs + jlen + sum(lens)
    if max_frame is not None and total > max_frame:
        raise ProtocolError("frame too large")
    return jlen, lens, total


def parse_body(raw: bytes | bytearray) -> dict:
    """The message in a frame's JSON part: an object, or ProtocolError."""
    try:
        obj = _json_decode(bytes(raw).decode("utf-8"))
    except ValueError as exc:  # (UnicodeDecodeError and JSONDecodeError are ValueErrors)
        raise ProtocolError(f"bad JSON: {exc}") from None
    if type(obj) is not dict:
        raise ProtocolError("message is not an object")
    return obj


def take_frame(buf: bytearray, max_frame: int | None = None
               ) -> tuple[dict, list[bytes]] | None:
    """The first whole frame in `buf` (removed from it) as (message, blobs); None while it is
    incomplete; ProtocolError for a frame that cannot be ours."""
    header = parse_header(buf, max_frame)
    if header is None:
        return None
    jlen, lens, total = header
    if len(buf) < total:
        return None
    pos = PREFIX + 8 * len(lens)
    obj = parse_body(buf[pos:pos + jlen])
    pos += jlen
    blobs = []
    for n in lens:
        blobs.append(bytes(buf[pos:pos + n]))
        pos += n
    del buf[:total]
    return obj, blobs


def read_frame(read_exact: Callable[[int], bytes], max_frame: int | None = None
               ) -> tuple[dict, list[bytes]]:
    """One frame from a blocking reader (`read_exact(n)` returns n bytes or raises)."""
    head = read_exact(PREFIX)
    jlen, nblobs = _prefix(head)
    lens = _unpack(f"<{nblobs}Q", read_exact(8 * nblobs)) if nblobs else ()
    if max_frame is not None and PREFIX + 8 * nblobs + jlen + sum(lens) > max_frame:
        raise ProtocolError("frame too large")
    obj = parse_body(read_exact(jlen))
    return obj, [read_exact(n) for n in lens]


# ---------------------------------------------------------------------------------------------
# arrays


def _check_dtype(dt: np.dtype) -> None:
    if dt.kind not in "biufc" or dt.fields is not None or dt.subdtype is not None:
        raise BadValue(f"an array of dtype {dt} (only numbers can be graded: bool, int, float, "
                       "complex)", "dtype", dtype=str(dt))


def npy_bytes(arr: np.ndarray) -> bytes:
    """A plain .npy (version 1.0, C order) of a base-class copy; BadValue for any dtype but
    bool/int/uint/float/complex (object, str, void, structured, sub-array)."""
    base = _ndarray.view(arr, _ndarray)
    dt = base.dtype
    _check_dtype(dt)
    base = _ndarray.copy(base, order="C")  # (np.ascontiguousarray would make 0-d 1-d)
    header = f"{{'descr': {dt.str!r}, 'fortran_order': False, 'shape': {tuple(base.shape)!r}, }}"
    raw = header.encode("latin1")
    pad = 64 - (10 + len(raw) + 1) % 64
    raw = raw + b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + _pack("<H", len(raw)) + raw + _ndarray.tobytes(base)


def load_array(raw: bytes) -> np.ndarray:
    """A .npy blob as a base-class ndarray in native byte order (allow_pickle=False); BadValue
    for anything but one bool/int/uint/float/complex array."""
    try:
        arr = _np_load(_BytesIO(raw), allow_pickle=False)
    except Exception as exc:
        raise BadValue(f"an array that could not be read ({exc})", "unreadable_array",
                       problem=str(exc)[:500]) from None
    if not isinstance(arr, _ndarray):
        raise BadValue("something that is not a single array", "not_one_array")
    dt = arr.dtype
    if dt.kind not in "biufc" or dt.fields is not None or dt.subdtype is not None:
        raise BadValue(f"an array of dtype {dt} (only bool, int, float and complex can be graded)",
                       "array_dtype", dtype=str(dt))
    if not dt.isnative:
        arr = arr.astype(dt.newbyteorder("="))
    return _ndarray.view(_array(arr, copy=True), _ndarray)


# ---------------------------------------------------------------------------------------------
# values


def encode_args(value: Any, blobs: list[bytes], spec_type: type | None = None) -> Any:
    """Trusted values (the parent's call arguments) as a skeleton, arrays appended to `blobs`.
    Subclasses of plain types become the plain value; `spec_type` (FunctionSpec) instances become
    {"F", "P"}; anything else is a TypeError (a bug in the grader, not the student's)."""
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, (_ndarray, _generic)):
        try:
            blobs.append(npy_bytes(_asarray(value)))
        except BadValue as exc:
            raise TypeError(f"cannot send {exc} to the sandbox") from None
        return {"A" if isinstance(value, _ndarray) else "S": len(blobs) - 1}
    for plain in _PLAIN:  # subclasses of plain types (IntEnum ...): the plain value
        if isinstance(value, plain):
            return plain(value)
    if isinstance(value, list):
        return {"L": [encode_args(v, blobs, spec_type) for v in value]}
    if isinstance(value, tuple):
        return {"T": [encode_args(v, blobs, spec_type) for v in value]}
    if isinstance(value, dict):
        return {"D": [[str(k), encode_args(v, blobs, spec_type)] for k, v in value.items()]}
    if spec_type is not None and isinstance(value, spec_type):
        spec: Any = value  # a testfunctions.FunctionSpec: a name and its parameter arrays
        return {"F": spec.name, "P": encode_args(dict(spec.params), blobs, spec_type)}
    raise TypeError(f"cannot send a {type(value).__name__} to the sandbox")


def encode_result(value: Any, blobs: list[bytes], depth: int = 0) -> Any:
    """What the student's code returned (or left in its arguments) as a skeleton; BadValue for
    anything the grader cannot check (a subclass of a plain type, a dict with non-str keys, a
    value nested too deeply, an object of any other class, a non-numeric array)."""
    if depth > MAX_RESULT_DEPTH:
        raise BadValue(f"a value nested more than {MAX_RESULT_DEPTH} levels deep", "nested",
                       depth=MAX_RESULT_DEPTH)
    t = type(value)
    if value is None or t in _PLAIN:
        return value
    if isinstance(value, _ndarray):
        blobs.append(npy_bytes(value))
        return {"A": len(blobs) - 1}
    if isinstance(value, _generic):
        blobs.append(npy_bytes(_asarray(value)))
        return {"S": len(blobs) - 1}
    if t is list:
        return {"L": [encode_result(v, blobs, depth + 1) for v in value]}
    if t is tuple:
        return {"T": [encode_result(v, blobs, depth + 1) for v in value]}
    if t is dict:
        if not all(type(k) is str for k in value):
            raise BadValue("a dict whose keys are not all strings", "dict_keys")
        return {"D": [[k, encode_result(v, blobs, depth + 1)] for k, v in value.items()]}
    for base in _PLAIN:
        if isinstance(value, base):
            raise BadValue(f"a {t.__name__} (a subclass of {base.__name__}); return a plain "
                           f"{base.__name__}", "plain_subclass", type=_exact_str(t.__name__),
                           base=base.__name__)
    name = f"{t.__module__}.{t.__qualname__}"
    raise BadValue(f"a {name} object", "object", type=_exact_str(name))


def encode_args_after(args: tuple, blobs: list[bytes]) -> dict:
    """The call's arguments as they are after the call (child side), as a tuple skeleton; a
    function argument (a FunctionSpec rebuilt in the child) stands as None."""
    return {"T": [None if callable(a) else encode_result(a, blobs) for a in args]}


def decode(node: Any, blobs: list[bytes], function: Callable[[str, dict], Any] | None = None,
           depth: int = 0) -> Any:
    """A skeleton back into values, strictly: ProtocolError for a malformed skeleton, BadValue
    for a blob that is not a plain numeric array. {"F", "P"} nodes are accepted only with a
    `function(name, params)` to rebuild them (the child's side)."""
    if depth > MAX_DECODE_DEPTH:
        raise ProtocolError("value nested too deeply")
    if node is None or type(node) in _PLAIN:
        return node
    if type(node) is not dict:
        raise ProtocolError(f"unexpected node {type(node).__name__}")
    if function is not None and len(node) == 2 and "F" in node and "P" in node:
        params = decode(node["P"], blobs, function, depth + 1)
        if type(node["F"]) is not str or type(params) is not dict:
            raise ProtocolError("bad function node")
        return function(node["F"], params)
    if len(node) != 1:
        raise ProtocolError("unexpected node dict")
    (tag, body), = node.items()
    if tag in ("A", "S"):
        if type(body) is not int or not 0 <= body < len(blobs):
            raise ProtocolError("bad blob index")
        arr = load_array(blobs[body])
        if tag == "S":
            if arr.shape != ():
                raise ProtocolError("scalar blob is not 0-d")
            return arr[()]
        return arr
    if tag in ("L", "T") and type(body) is list:
        items = [decode(v, blobs, function, depth + 1) for v in body]
        return items if tag == "L" else tuple(items)
    if tag == "D" and type(body) is list:
        out = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                raise ProtocolError("bad dict item")
            out[pair[0]] = decode(pair[1], blobs, function, depth + 1)
        return out
    raise ProtocolError(f"unknown tag {tag!r}")
