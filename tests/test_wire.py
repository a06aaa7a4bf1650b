"""The wire between the grader and its sandboxed child (autograder/wire.py).

Round trips in both directions (the parent's trusted arguments, the child's results), the
refusals of what must never cross (object/str/structured dtypes, pickled .npy, forged or
oversized or truncated frames, malformed skeletons), the one-copy rule (sandbox.py and _child.py
hold no frame code of their own), and that every status string in the package and its tests is a
member of wire.Status.
"""
from __future__ import annotations

import ast
import io
import math
import os
import struct
import sys
from pathlib import Path
from typing import get_args

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder import _child, checks, sandbox, wire
from autograder.testfunctions import FunctionSpec, make_function

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "autograder"
PROPS = settings(max_examples=200, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---------------------------------------------------------------------------------------------
# helpers


def _through_frame(obj: dict, blobs: list[bytes]) -> tuple[dict, list[bytes]]:
    """pack -> bytes -> take_frame, as the parent reads the child's pipe (byte by byte growth is
    covered by the truncation test)."""
    buf = bytearray(b"".join(wire.frame_parts(obj, blobs)))
    assert bytes(buf) == wire.pack_frame(obj, blobs)
    parsed = wire.take_frame(buf, max_frame=1 << 30)
    assert parsed is not None and buf == bytearray()
    return parsed


def _read_from(data: bytes):
    """A blocking `read_exact` over bytes, as the child reads its command pipe."""
    stream = io.BytesIO(data)

    def read_exact(n: int) -> bytes:
        got = stream.read(n)
        if len(got) < n:
            raise EOFError
        return got
    return read_exact


def _same(a, b) -> bool:
    """Equal, with the same types all the way down (tuple stays tuple, int stays int, dtypes)."""
    if isinstance(a, np.ndarray):
        return (type(b) is np.ndarray and a.shape == b.shape
                and a.dtype.newbyteorder("=") == b.dtype and b.dtype.isnative
                and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if type(a) is not type(b):
        return False
    if isinstance(a, np.generic):
        return a.dtype == b.dtype and (a == b or (a != a and b != b))
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return a == b


def _depth(value) -> int:
    if isinstance(value, (list, tuple)):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


NUMERIC = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
           np.uint64, np.float16, np.float32, np.float64, np.complex64, np.complex128]

arrays = st.sampled_from(NUMERIC).flatmap(
    lambda dt: hnp.arrays(dt, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)))
scalars = st.sampled_from(NUMERIC).flatmap(lambda dt: hnp.from_dtype(np.dtype(dt)).map(dt))
leaves = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
          | st.text(max_size=8) | arrays | scalars)
values = st.recursive(
    leaves,
    lambda inner: (st.lists(inner, max_size=4) | st.lists(inner, max_size=4).map(tuple)
                   | st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=12)


# ---------------------------------------------------------------------------------------------
# round trips


@PROPS
@given(values)
def test_arguments_round_trip_parent_to_child(value):
    blobs: list[bytes] = []
    msg = {"kind": wire.CALL, "seq": 3, "args": wire.encode_args(value, blobs)}
    obj, got_blobs = wire.read_frame(_read_from(wire.pack_frame(msg, blobs)))
    assert obj["kind"] == "call" and obj["seq"] == 3
    assert _same(value, wire.decode(obj["args"], got_blobs))


@PROPS
@given(values)
def test_results_round_trip_child_to_parent(value):
    if _depth(value) > wire.MAX_RESULT_DEPTH:
        return
    blobs: list[bytes] = []
    msg = {"kind": wire.RESULT, "seq": 0, "status": "ok", "value": wire.encode_result(value, blobs)}
    obj, got_blobs = _through_frame(msg, blobs)
    assert obj["status"] == "ok"
    assert _same(value, wire.decode(obj["value"], got_blobs))


def test_zero_d_empty_and_odd_arrays_keep_shape_and_dtype():
    samples = [np.array(2.5), np.array(7, dtype=np.int8), np.array(True), np.zeros((0,)),
               np.zeros((3, 0, 2), dtype=np.complex64), np.arange(12.0).reshape(3, 4).T,
               np.arange(10)[::3], np.asfortranarray(np.ones((2, 3), dtype=np.uint16)),
               np.array([1.0, np.nan, np.inf, -np.inf, -0.0])]
    for encode in (wire.encode_args, wire.encode_result):
        blobs: list[bytes] = []
        obj, got = _through_frame({"v": encode(samples, blobs)}, blobs)
        back = wire.decode(obj["v"], got)
        assert _same(samples, back)
        assert all(b.flags.c_contiguous and b.flags.writeable for b in back)


def test_foreign_byte_order_and_subclasses_come_back_native_base_class():
    big = np.arange(6, dtype=">f8").reshape(2, 3)
    masked = np.ma.masked_array([1.0, 2.0], mask=[False, True])
    blobs: list[bytes] = []
    obj, got = _through_frame({"v": wire.encode_result((big, masked), blobs)}, blobs)
    back_big, back_masked = wire.decode(obj["v"], got)
    assert back_big.dtype == np.dtype("<f8") and np.array_equal(back_big, big)
    assert type(back_masked) is np.ndarray and back_masked.tolist() == [1.0, 2.0]


def test_numpy_scalars_come_back_as_numpy_scalars():
    sample = (np.float32(1.5), np.int64(-3), np.bool_(True), np.complex128(1 - 2j))
    blobs: list[bytes] = []
    obj, got = _through_frame({"v": wire.encode_result(sample, blobs)}, blobs)
    assert _same(sample, wire.decode(obj["v"], got))


def test_many_blobs_in_one_frame():
    arrays_ = [np.full((i % 3, 2), i, dtype=np.int32) for i in range(20_000)]
    blobs: list[bytes] = []
    obj, got = _through_frame({"v": wire.encode_result(arrays_, blobs)}, blobs)
    assert len(got) == 20_000
    assert _same(arrays_, wire.decode(obj["v"], got))


def test_a_function_spec_is_rebuilt_only_where_asked():
    spec = FunctionSpec("sines", {"a": np.ones(3), "k": np.arange(3.0), "phi": np.zeros(3)})
    blobs: list[bytes] = []
    node = wire.encode_args((spec, np.ones(3)), blobs, FunctionSpec)
    obj, got = wire.read_frame(_read_from(wire.pack_frame({"args": node}, blobs)))
    f, x = wire.decode(obj["args"], got, lambda name, params: make_function(FunctionSpec(name, params)))
    assert callable(f) and f(x) == make_function(spec)(np.ones(3))
    with pytest.raises(wire.ProtocolError):  # the parent never accepts one from the child
        wire.decode(obj["args"], got)
    with pytest.raises(TypeError):  # and never sends one it was not told about
        wire.encode_args(spec, [])


def test_arguments_after_a_call_leave_functions_out():
    blobs: list[bytes] = []
    node = wire.encode_args_after((len, np.ones(2), 3), blobs)
    obj, got = _through_frame({"v": node}, blobs)
    assert _same((None, np.ones(2), 3), wire.decode(obj["v"], got))


def test_json_is_plain_ascii_with_non_finite_floats():
    msg = {"kind": "result", "message": "é ✓ \x00 \"quoted\"", "f": [math.inf, -math.inf, 0.1],
           "n": 10 ** 30, "b": [True, False, None]}
    body = wire.dumps(msg)
    assert body.isascii()
    obj, _ = _through_frame(msg, [])
    assert obj == msg
    nan = wire.parse_body(wire.dumps({"x": math.nan}).encode())
    assert math.isnan(nan["x"])
    for bad in ({"t": (1, 2)}, {1: "a"}, {"s": {1, 2}}, {"i": np.int64(3)}):
        with pytest.raises(TypeError):
            wire.dumps(bad)


def test_intenum_and_other_plain_subclasses_are_sent_plain_by_the_parent():
    import enum

    class K(enum.IntEnum):
        THREE = 3
    blobs: list[bytes] = []
    node = wire.encode_args({"k": K.THREE, 5: True}, blobs)
    assert wire.decode(node, blobs) == {"k": 3, "5": True}
    assert type(wire.decode(node, blobs)["k"]) is int


# ---------------------------------------------------------------------------------------------
# refusals: values


@pytest.mark.parametrize("arr", [
    np.array([1, None], dtype=object), np.array(["a", "bc"]), np.array([b"x"]),
    np.zeros(2, dtype=[("a", "f8"), ("b", "i4")]), np.zeros(2, dtype=[("a", "f8", (3,))]),
    np.zeros(2, dtype="V8"), np.array(["2020-01-01"], dtype="datetime64[D]"),
    np.array([1], dtype="timedelta64[s]"),
], ids=lambda a: str(a.dtype))
def test_non_numeric_dtypes_never_cross(arr):
    with pytest.raises(wire.BadValue, match="dtype"):
        wire.npy_bytes(arr)
    with pytest.raises(wire.BadValue, match="dtype"):
        wire.encode_result([arr], [])
    with pytest.raises(TypeError, match="cannot send"):
        wire.encode_args([arr], [])
    if arr.dtype.kind != "O":  # what numpy itself would write is refused on reading too
        buf = io.BytesIO()
        np.save(buf, arr, allow_pickle=False)
        with pytest.raises(wire.BadValue, match="dtype"):
            wire.load_array(buf.getvalue())


def test_a_pickled_npy_is_never_unpickled(tmp_path):
    marker = tmp_path / "ran"

    class Boom:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    buf = io.BytesIO()
    np.save(buf, np.array([Boom()], dtype=object), allow_pickle=True)
    with pytest.raises(wire.BadValue, match="could not be read"):
        wire.load_array(buf.getvalue())
    with pytest.raises(wire.BadValue):
        wire.decode({"A": 0}, [buf.getvalue()])
    assert not marker.exists()


@pytest.mark.parametrize("raw", [b"", b"not an npy", b"\x93NUMPY\x01\x00\xff\xff{", b"PK\x03\x04zip"])
def test_garbage_blobs_are_bad_values(raw):
    with pytest.raises(wire.BadValue):
        wire.load_array(raw)


def test_an_npz_is_not_a_single_array():
    buf = io.BytesIO()
    np.savez(buf, a=np.ones(2))
    with pytest.raises(wire.BadValue):
        wire.load_array(buf.getvalue())


def test_what_a_student_returns_is_refused_unless_plain():
    class Mine(int):
        pass

    class Thing:
        pass
    deep: list = []
    node = deep
    for _ in range(wire.MAX_RESULT_DEPTH + 1):
        node.append([])
        node = node[0]
    for value, words in [(Mine(3), "subclass of int"), ({1: 2}, "keys are not all strings"),
                         (deep, "nested more than"), (Thing(), "Thing object"),
                         ((_ for _ in ()), "generator"), ({1, 2}, "set")]:
        with pytest.raises(wire.BadValue, match=words):
            wire.encode_result(value, [])


@pytest.mark.parametrize("node, blobs, words", [
    ({"A": 1}, [b""], "bad blob index"),
    ({"A": True}, [b""], "bad blob index"),
    ({"A": -1}, [b""], "bad blob index"),
    ({"Q": 1}, [], "unknown tag"),
    ({"L": 1}, [], "unknown tag"),
    ({"A": 0, "S": 0}, [], "unexpected node"),
    ([1, 2], [], "unexpected node list"),
    ({"D": [[1, 2]]}, [], "bad dict item"),
    ({"D": [["a"]]}, [], "bad dict item"),
    ({"F": "sines", "P": {"D": []}}, [], "unexpected node"),
], ids=repr)
def test_malformed_skeletons_are_protocol_errors(node, blobs, words):
    with pytest.raises(wire.ProtocolError, match=words):
        wire.decode(node, blobs)


def test_a_scalar_blob_must_be_0_d_and_nesting_is_bounded():
    blob = wire.npy_bytes(np.ones(2))
    with pytest.raises(wire.ProtocolError, match="0-d"):
        wire.decode({"S": 0}, [blob])
    node: object = 1
    for _ in range(wire.MAX_DECODE_DEPTH + 1):
        node = {"L": [node]}
    with pytest.raises(wire.ProtocolError, match="too deeply"):
        wire.decode(node, [])


# ---------------------------------------------------------------------------------------------
# refusals: frames


def _frame_bytes() -> bytes:
    blobs: list[bytes] = []
    node = wire.encode_result([np.arange(5.0), np.int8(3), "x"], blobs)
    return wire.pack_frame({"kind": "result", "seq": 1, "status": "ok", "value": node}, blobs)


def test_bad_magic_is_refused_by_every_reader():
    data = b"AGF2" + _frame_bytes()[4:]
    with pytest.raises(wire.ProtocolError, match="magic"):
        wire.parse_header(data)
    with pytest.raises(wire.ProtocolError, match="magic"):
        wire.take_frame(bytearray(data))
    with pytest.raises(wire.ProtocolError, match="magic"):
        wire.read_frame(_read_from(data))


@pytest.mark.parametrize("head", [
    b"AGF1" + struct.pack("<II", wire.MAX_JSON + 1, 0),
    b"AGF1" + struct.pack("<II", 2, wire.MAX_BLOBS + 1),
    b"AGF1" + struct.pack("<II", 2, 1) + struct.pack("<Q", 1 << 62),
], ids=["json", "blob count", "blob length"])
def test_oversize_frames_are_refused_before_they_are_read(head):
    with pytest.raises(wire.ProtocolError, match="too large"):
        wire.parse_header(head, max_frame=1 << 30)
    with pytest.raises(wire.ProtocolError, match="too large"):
        wire.take_frame(bytearray(head), max_frame=1 << 30)
    with pytest.raises(wire.ProtocolError, match="too large"):
        wire.read_frame(_read_from(head + b"\0" * 64), max_frame=1 << 30)


def test_a_frame_over_the_callers_limit_is_refused():
    data = _frame_bytes()
    header = wire.parse_header(data, max_frame=len(data))
    assert header is not None and header[2] == len(data)
    with pytest.raises(wire.ProtocolError, match="too large"):
        wire.parse_header(data, max_frame=len(data) - 1)


def test_truncated_frames_wait_and_then_end_the_reader():
    data = _frame_bytes()
    for cut in range(len(data)):
        buf = bytearray(data[:cut])
        assert wire.take_frame(buf, max_frame=1 << 20) is None
        assert bytes(buf) == data[:cut]  # nothing consumed while partial
        with pytest.raises(EOFError):
            wire.read_frame(_read_from(data[:cut]))
    two = bytearray(data + data[:7])
    assert wire.take_frame(two) is not None and bytes(two) == data[:7]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe{}", b"{} extra"])
def test_a_body_that_is_not_one_json_object_is_refused(body):
    data = b"AGF1" + struct.pack("<II", len(body), 0) + body
    with pytest.raises(wire.ProtocolError):
        wire.take_frame(bytearray(data))
    with pytest.raises(wire.ProtocolError):
        wire.read_frame(_read_from(data))


# ---------------------------------------------------------------------------------------------
# one copy of the format


def _code_of(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


@pytest.mark.parametrize("name", ["sandbox.py", "_child.py"])
def test_the_frame_format_lives_only_in_wire(name):
    tree = _code_of(PACKAGE / name)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"struct", "io"}, f"{name} imports {sorted(imported & {'struct', 'io'})}"
    attrs = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not attrs & {"pack", "unpack", "unpack_from", "write_array", "read_array", "raw_decode",
                        "encode_basestring_ascii"}, f"{name} has frame or .npy code of its own"
    numpy_io = [node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name) and node.value.id in ("np", "numpy")
                and node.attr in ("load", "save", "frombuffer", "lib")]
    assert numpy_io == [], f"{name} reads or writes .npy itself: {numpy_io}"
    constants = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
    assert not [c for c in constants if isinstance(c, (str, bytes)) and
                (b"AGF1" in c if isinstance(c, bytes) else "AGF1" in c or "NUMPY" in c)]
    defined = {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    assert not defined & {"_frame", "_frame_header", "_encode", "_decode", "_npy", "_load_array",
                          "npy_bytes", "encode", "dumps", "_Protocol", "_BadValue", "_BadOutput"}


def test_struct_pack_and_the_magic_only_in_wire():
    for words in ("struct.pack", "struct.unpack", "AGF1"):
        users = sorted(p.name for p in PACKAGE.glob("*.py") if words in p.read_text())
        assert users == ["wire.py"], (words, users)


def test_the_child_gets_wire_by_path_under_a_private_name():
    assert (PACKAGE / "wire.py") in sandbox._runner_files()
    before = set(sys.modules)
    isolation, testfunctions, wire_copy = _child._load_helpers()
    assert set(sys.modules) == before  # forgotten: nothing the student could import
    assert wire_copy.__name__ == "_grader_wire" and wire_copy is not wire
    assert wire_copy.STATUSES == wire.STATUSES and wire_copy.MAGIC == wire.MAGIC
    # the same format on both ends: what one packs the other reads
    blobs: list[bytes] = []
    node = wire_copy.encode_result((np.arange(3), 1.5), blobs)
    obj, got = _through_frame({"v": node}, blobs)
    assert _same((np.arange(3), 1.5), wire.decode(obj["v"], got))
    # nothing in the child's copy computes anything graded: it is the format only
    public = {n for n in dir(wire_copy) if not n.startswith("_")}
    assert public <= {
        "annotations", "io", "json", "struct", "np", "dataclass", "field", "Any", "Callable",
        "Literal", "Optional", "get_args", "Status", "STATUSES", "Kind", "KINDS", "READY", "CHUNK",
        "LOADED", "RESULT", "LOAD", "CALL", "MAGIC", "PREFIX", "MAX_JSON", "MAX_BLOBS",
        "MAX_DECODE_DEPTH", "MAX_RESULT_DEPTH", "ProtocolError", "BadValue", "Call", "CallOutcome",
        "dumps", "frame_parts", "pack_frame", "parse_header", "parse_body", "take_frame",
        "read_frame", "npy_bytes", "load_array", "encode_args", "encode_result",
        "encode_args_after", "decode"}, public


def test_the_childs_runner_speaks_wire_with_the_parent():
    """The real Runner over real pipes: a load, a call with a FunctionSpec, and the reply read
    the way the parent reads it."""
    _, testfunctions, wire_copy = _child._load_helpers()
    cmd_r, cmd_w = os.pipe()
    res_r, res_w = os.pipe()
    try:
        runner = _child.Runner(cmd_r, res_w, testfunctions, wire_copy)
        source = "import numpy as np\ndef twice(f, x):\n    x *= 2\n    return f(x), x.dtype.name\n"
        os.write(cmd_w, wire.pack_frame({"kind": wire.LOAD, "chunks": [["cell 1", source]], "skip": []}))
        msg, _ = runner.recv()
        runner.load(msg)
        spec = FunctionSpec("sines", {"a": np.ones(2), "k": np.ones(2), "phi": np.zeros(2)})
        blobs: list[bytes] = []
        args = wire.encode_args((spec, np.array([0.5, 1.0])), blobs, FunctionSpec)
        os.write(cmd_w, wire.pack_frame({"kind": wire.CALL, "seq": 4, "function": "twice", "args": args,
                                         "kwargs": wire.encode_args({}, blobs),
                                         "return_args": True, "cpu_s": 5.0}, blobs))
        msg, got = runner.recv()
        runner.call(msg, got)
        buf = bytearray()
        replies: list = []
        while len(replies) < 3:
            buf += os.read(res_r, 1 << 16)
            while (parsed := wire.take_frame(buf, 1 << 20)) is not None:
                replies.append(parsed)
    finally:
        for fd in (cmd_r, cmd_w, res_r, res_w):
            os.close(fd)
    assert [r[0]["kind"] for r in replies] == ["chunk", "loaded", "result"]
    assert replies[1][0]["problems"] == []
    reply, rblobs = replies[2]
    assert reply["seq"] == 4 and reply["status"] in wire.STATUSES and reply["status"] == "ok"
    value, name = wire.decode(reply["value"], rblobs)
    assert name == "float64" and value == pytest.approx(np.sin(1.0) + np.sin(2.0))
    assert _same((None, np.array([1.0, 2.0])), wire.decode(reply["args_after"], rblobs))


# ---------------------------------------------------------------------------------------------
# statuses


def test_statuses_are_the_literal_and_reexported():
    assert wire.STATUSES == get_args(wire.Status) == sandbox.STATUSES
    assert len(set(wire.STATUSES)) == len(wire.STATUSES) == 9
    assert set(wire.KINDS) == {wire.READY, wire.CHUNK, wire.LOADED, wire.RESULT, wire.LOAD, wire.CALL}
    assert sandbox.Call is wire.Call and sandbox.CallOutcome is wire.CallOutcome
    assert checks.Call is wire.Call and checks.CallOutcome is wire.CallOutcome
    assert {"Call", "CallOutcome"} <= set(checks.__all__)


def _is_status(node) -> bool:
    if isinstance(node, ast.Name):
        return node.id == "status"
    if isinstance(node, ast.Attribute):
        return node.attr == "status"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "status"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == "status"
    if isinstance(node, ast.ListComp):
        return _is_status(node.elt)
    return False


def _strings(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for e in node.elts for s in _strings(e)]
    return []


GRADESCOPE_STATUSES = ("passed", "failed")


def _status_literals(tree: ast.AST):
    """Strings compared with a status, given as one (CallOutcome(...), status=..., {"status": ...})
    or used as the keys of a dict looked up by status."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_status(s) for s in sides):
                yield from (s for side in sides for s in _strings(side))
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "CallOutcome" and node.args:
                yield from _strings(node.args[0])
            for kw in node.keywords:
                if kw.arg == "status":
                    yield from _strings(kw.value)
            owner = node.func.value if isinstance(node.func, ast.Attribute) else None
            if name == "get" and isinstance(owner, ast.Dict) and node.args and _is_status(node.args[0]):
                yield from (s for k in owner.keys if k is not None for s in _strings(k))
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and k.value == "status":
                    yield from _strings(v)
        elif isinstance(node, ast.FunctionDef):  # @pytest.mark.parametrize("status, ...", [...])
            for deco in node.decorator_list:
                if (isinstance(deco, ast.Call) and deco.args and _strings(deco.args[0])
                        and _strings(deco.args[0])[0].split(",")[0].strip() == "status"
                        and isinstance(deco.args[1], (ast.List, ast.Tuple))):
                    for row in deco.args[1].elts:
                        if isinstance(row, ast.Tuple) and row.elts:
                            yield from _strings(row.elts[0])


def test_every_status_string_in_the_package_and_tests_is_a_member():
    found: dict[str, set[str]] = {}
    for path in sorted([*PACKAGE.glob("*.py"), *(ROOT / "tests").rglob("*.py")]):
        for text in _status_literals(_code_of(path)):
            found.setdefault(text, set()).add(path.name)
    assert {"ok", "error", "timeout", "crash", "bad_output", "load_failed"} <= set(found)  # the scan sees them
    # Gradescope's results.json has a `status` of its own ("passed"/"failed" per test): another
    # vocabulary, allowed only where Gradescope's schema is written or checked
    for text in GRADESCOPE_STATUSES:
        found[text] = {where for where in found.get(text, set()) if "gradescope" not in where}
    strays = {s: sorted(where) for s, where in found.items() if where and s not in wire.STATUSES}
    assert strays == {}, strays


# ---------------------------------------------------------------------------------------------
# in the sandbox


def _sandboxed(source: str, calls):
    from autograder.course import Limits
    from autograder.submission import CodeChunk
    limits = Limits(time_s=5, cpu_s=5, memory_mb=768, processes=32, output_kb=16)
    return sandbox.run_submission([CodeChunk("module", source)], calls, limits)


@pytest.mark.needs_bwrap
def test_the_sandbox_keeps_wire_out_of_the_students_reach():
    source = '''
import importlib, os, sys
def borrow():
    sys.path[:0] = ["/grader"]
    found = []
    for name in ("wire", "_grader_wire", "autograder.wire"):
        try:
            importlib.import_module(name)
            found.append(name)
        except Exception:
            pass
    return found, [m for m in sys.modules if "wire" in m], sorted(os.listdir("/grader"))
'''
    outcome = _sandboxed(source, [sandbox.Call("borrow")]).outcomes[0]
    assert outcome.status == "ok", outcome.message
    assert outcome.value == ([], [], [])


@pytest.mark.needs_bwrap
def test_monkeypatching_struct_json_or_numpy_does_not_break_the_runner():
    """The child's wire holds its own references, taken before student code ran."""
    source = '''
import json, json.decoder, json.encoder, struct
import numpy as np
struct.pack = None
json.dumps = json.loads = json.encoder.encode_basestring_ascii = None
json.decoder.JSONDecoder = None
np.load = np.asarray = np.array = np.save = None
np.lib.format.write_array = None
def twice(x):
    return x * 2, {"n": int(x.size)}
'''
    calls = [sandbox.Call("twice", (np.arange(4.0),)), sandbox.Call("twice", (np.ones((2, 2), np.int32),))]
    run = _sandboxed(source, calls)
    assert run.load_problems == []
    first, second = run.outcomes
    assert first.status == "ok" and second.status == "ok", (first.message, second.message)
    assert _same((np.arange(4.0) * 2, {"n": 4}), first.value)
    assert _same((np.full((2, 2), 2, np.int32), {"n": 4}), second.value)
