"""The sandboxed Jupyter kernel (autograder.kernel_sandbox), driven directly with nbclient.

A fake course lives in tmp_path (course.yml, gradebook.db, solutions/, two students' autograded
folders); the kernel runs in alice's folder, as `nbgrader autograde` would run it.
"""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from traitlets.config import Config

from autograder import isolation
from autograder.kernel_sandbox import SandboxedKernelManager, sanitize_workdir
from autograder.sandbox import SandboxUnavailable
from course_helpers import processes_with

needs_bwrap = pytest.mark.skipif(not isolation.probe().usable,
                                 reason=f"bubblewrap unusable: {isolation.probe().reason}")
MARKER = "ag-kernel-daemon-5b1e"


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    (root / "solutions").mkdir(parents=True)
    (root / "solutions" / "a2_correlation.py").write_text("SECRET_REFERENCE = 1\n")
    (root / "course.yml").write_text("course_id: fake\n")
    sqlite3.connect(root / "gradebook.db").execute("create table grades (score real)").connection.commit()
    alice = root / "autograded" / "alice" / "a2"
    bob = root / "autograded" / "bob" / "a2"
    alice.mkdir(parents=True)
    bob.mkdir(parents=True)
    (alice / "a2.ipynb").write_text("{}")
    (alice / "data.txt").write_text("alice's data\n")
    (bob / "a2.ipynb").write_text("bob's notebook")
    return root


def _run(cells, cwd, timeout=60, config=None, **kw):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    client = NotebookClient(nb, kernel_name="python3", kernel_manager_class=SandboxedKernelManager,
                            timeout=timeout, allow_errors=True, config=config or Config(),
                            resources={"metadata": {"path": str(cwd)}}, **kw)
    client.execute()
    return nb


def _text(cell) -> str:
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "execute_result":
            parts.append(out.data.get("text/plain", ""))
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
    return "".join(parts).strip()


_processes_with = processes_with


@needs_bwrap
def test_kernel_runs_code_sees_only_its_folder_and_leaves_nothing_behind(course):
    alice = course / "autograded" / "alice" / "a2"
    before = {p: p.read_bytes() for p in course.rglob("*") if p.is_file() and alice not in p.parents}
    cells = [
        "import os, numpy as np\nprint(os.getuid() in (65534,) or os.getuid() >= 1_600_000_000, int(np.arange(4).sum()))",
        f"print([os.path.exists(p) for p in {[str(course / 'course.yml'), str(course / 'gradebook.db'), str(course / 'solutions'), str(course / 'autograded' / 'bob'), str(Path.cwd() / 'course.yml')]!r}])",
        "print(open('data.txt').read().strip()); open('result.txt', 'w').write('ok'); print('wrote')",
        # writing anywhere but the working folder (and the private /tmp) fails
        f"import sqlite3\nfor p in ['/usr/x', {str(course / 'gradebook.db')!r}, '../../bob/a2/a2.ipynb']:\n"
        "    try:\n        open(p, 'w').write('pwned'); print('WROTE', p)\n"
        "    except OSError as e:\n        print('refused', type(e).__name__)",
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=1); print('NET')\n"
        "except OSError:\n    print('no network')",
        # a detached daemon: double fork + setsid, ignoring SIGTERM/SIGHUP
        "import signal, sys\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        signal.signal(signal.SIGTERM, signal.SIG_IGN); signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
        f"        os.execv(sys.executable, [sys.executable, '-c', 'import time\\nwhile True: time.sleep(1)', {MARKER!r}])\n"
        "    os._exit(0)\nprint('daemon started')",
        "os.symlink('/etc/passwd', 'a2_link.ipynb'); os.mkfifo('trap.fifo'); print('planted')",
    ]
    nb = _run(cells, alice)
    texts = [_text(c) for c in nb.cells]
    assert texts[0] == "True 6"
    assert texts[1] == "[False, False, False, False, False]"
    assert texts[2] == "alice's data\nwrote"
    assert "WROTE" not in texts[3] and texts[3].count("refused") == 3
    assert texts[4] == "no network"
    assert texts[5] == "daemon started" and texts[6] == "planted"
    time.sleep(0.3)
    assert _processes_with(MARKER) == []
    # the working folder keeps real files, loses the planted symlink and FIFO, and is root's again
    assert (alice / "result.txt").read_text() == "ok"
    assert not (alice / "a2_link.ipynb").is_symlink() and not (alice / "trap.fifo").exists()
    if os.geteuid() == 0:
        assert {p.stat().st_uid for p in [alice, *alice.rglob("*")]} == {0}
    after = {p: p.read_bytes() for p in course.rglob("*") if p.is_file() and alice not in p.parents}
    assert after == before


@needs_bwrap
def test_interrupt_on_timeout_keeps_the_kernel_and_memory_is_limited(course):
    alice = course / "autograded" / "alice" / "a2"
    cells = ["while True:\n    pass",
             "print('alive')",
             "import numpy as np\ntry:\n    np.ones(8 * 1024**3, dtype=np.uint8)\nexcept MemoryError:\n    print('MemoryError')"]
    start = time.monotonic()
    nb = _run(cells, alice, timeout=3, interrupt_on_timeout=True)
    assert time.monotonic() - start < 30
    assert _text(nb.cells[1]) == "alive"
    assert _text(nb.cells[2]) == "MemoryError"


def test_refuses_without_bubblewrap_unless_allowed(course, monkeypatch, capfd):
    monkeypatch.setenv("AUTOGRADER_NO_BWRAP", "1")
    monkeypatch.setattr(SandboxedKernelManager, "_warned", False, raising=False)
    isolation.probe.cache_clear()
    alice = course / "autograded" / "alice" / "a2"
    try:
        with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
            _run(["print(1)"], alice)
        config = Config({"SandboxedKernelManager": {"allow_unprotected": True}})
        nb = _run(["print(6 * 7)"], alice, config=config)
        assert _text(nb.cells[0]) == "42"
        warnings = [line for line in capfd.readouterr().err.splitlines() if "UNPROTECTED" in line]
        assert len(warnings) == 1 and warnings[0].startswith("WARNING: nbgrader kernel UNPROTECTED:")
    finally:
        isolation.probe.cache_clear()


def test_sanitize_workdir_removes_links_fifos_and_setuid_bits(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    os.symlink("/etc/passwd", tmp_path / "sub" / "link")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "suid").write_text("#!/bin/sh\n")
    os.chmod(tmp_path / "suid", 0o4755)
    removed = sanitize_workdir(str(tmp_path))
    assert sorted(Path(p).name for p in removed) == ["fifo", "link"]
    assert (tmp_path / "keep.txt").exists()
    assert not os.stat(tmp_path / "suid").st_mode & 0o4000
