"""The sandboxed Jupyter kernel (autograder.kernel_sandbox), driven directly with nbclient.

A fake course lives in tmp_path (course.yml, gradebook.db, solutions/, two students' autograded
folders); the kernel runs in alice's folder, as `nbgrader autograde` would run it.
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from traitlets.config import Config

from autograder import isolation
from autograder.kernel_sandbox import SandboxedKernelManager
from autograder.sandbox import SandboxUnavailable
from course_helpers import processes_with

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
pytestmark = pytest.mark.slow  # each test starts a real Jupyter kernel in the sandbox


def _tree(root: Path) -> dict:
    """Every path under root with its bytes (files) or None (folders), links not followed."""
    return {p: (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
            for p in root.rglob("*")}


@pytest.mark.needs_bwrap
def test_kernel_runs_code_sees_only_its_folder_and_leaves_nothing_behind(course, monkeypatch):
    monkeypatch.setenv("CONV_COURSE_SECRET", "kernel-secret-0f3a")
    alice = course / "autograded" / "alice" / "a2"
    before = _tree(course)
    hidden = [str(course / "course.yml"), str(course / "gradebook.db"), str(course / "solutions"),
              str(course / "autograded" / "bob"), str(Path.cwd() / "course.yml")]
    cells = [
        "import os, numpy as np\n"
        "print(os.getuid() in (0, 65534) or os.getuid() >= 1_600_000_000, int(np.arange(4).sum()))",
        f"print([os.path.exists(p) for p in {hidden!r}])",
        "print(open('data.txt').read().strip()); open('result.txt', 'w').write('ok'); print(open('result.txt').read())",
        # writing outside the private working folder and /tmp never reaches the host
        f"import sqlite3\nfor p in ['/usr/x', {str(course / 'gradebook.db')!r}, '../../bob/a2/a2.ipynb']:\n"
        "    try:\n        open(p, 'w').write('pwned'); print('WROTE', p)\n"
        "    except OSError as e:\n        print('refused', type(e).__name__)",
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=1); print('NET')\n"
        "except OSError:\n    print('no network')",
        # a detached daemon: double fork + setsid, ignoring SIGTERM/SIGHUP
        "import signal, sys\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        signal.signal(signal.SIGTERM, signal.SIG_IGN); signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
        "        os.execv(sys.executable,\n"
        f"                 [sys.executable, '-c', 'import time\\nwhile True: time.sleep(1)', {MARKER!r}])\n"
        "    os._exit(0)\nprint('daemon started')",
        # what a hostile kernel leaves in its folder: links, a FIFO, an extra notebook, a folder
        # tree far deeper than shutil.rmtree can remove, as many files as it can
        "os.symlink('/etc/passwd', 'a2_link.ipynb'); os.mkfifo('trap.fifo')\n"
        "open('extra.ipynb', 'w').write('{}')\n"
        "fd = os.open('.', os.O_RDONLY)\nfor _ in range(3000):\n"
        "    os.mkdir('d', dir_fd=fd); fd = os.open('d', os.O_RDONLY, dir_fd=fd)\nprint('planted')",
        "n = 0\ntry:\n    while True:\n        open(f'f{n}', 'w').close(); n += 1\n"
        "except OSError as e:\n    print('files stopped', e.errno == 28, n < 5000)",
        # the grader's environment is not anywhere in the sandbox, not even in bwrap's (pid 1)
        "def env(p):\n    try:\n        return open(f'/proc/{p}/environ', 'rb').read()\n"
        "    except OSError:\n        return b''  # not even readable (bwrap as root)\n"
        "print([b'kernel-secret' in env(p) for p in ('1', 'self')])",
        # no capability is left, for the kernel or anything it starts
        "import subprocess\n"
        "print(subprocess.run(['grep', 'CapEff', '/proc/self/status'], capture_output=True, text=True)"
        ".stdout.split())",
    ]
    nb = _run(cells, alice)
    texts = [_text(c) for c in nb.cells]
    assert texts[0] == "True 6"
    assert texts[1] == "[False, False, False, False, False]"
    assert texts[2] == "alice's data\nok"
    # /usr is read-only; the course paths do not exist in the sandbox: whatever the kernel
    # writes at those names lands in its private /tmp (checked below: the host is unchanged)
    assert "WROTE /usr" not in texts[3] and texts[3].count("refused") >= 2, texts[3]
    assert texts[4] == "no network"
    assert texts[5] == "daemon started" and texts[6] == "planted"
    assert texts[7] == "files stopped True True"
    assert texts[8] == "[False, False]"
    assert texts[9] == "['CapEff:', '0000000000000000']"
    time.sleep(0.3)
    assert _processes_with(MARKER) == []
    # nothing the kernel wrote reached the host: the whole course is byte for byte as before
    assert _tree(course) == before


@pytest.mark.needs_bwrap
def test_a_big_file_hits_the_disk_limit_not_the_host(course):
    alice = course / "autograded" / "alice" / "a2"
    cells = ["import os\nfor where in ('.', '/tmp'):\n    try:\n"
             "        with open(os.path.join(where, 'big'), 'wb') as f:\n"
             "            for _ in range(4096):\n                f.write(b'x' * (1 << 20))\n"
             "        print(where, 'wrote 4 GB')\n    except OSError as e:\n"
             "        print(where, 'stopped', e.errno in (27, 28))"]
    nb = _run(cells, alice)
    assert _text(nb.cells[0]) == ". stopped True\n/tmp stopped True"
    assert not (alice / "big").exists()


@pytest.mark.needs_bwrap
def test_interrupt_on_timeout_keeps_the_kernel_and_memory_is_limited(course):
    alice = course / "autograded" / "alice" / "a2"
    cells = ["while True:\n    pass",
             "print('alive')",
             "import numpy as np\ntry:\n    np.ones(8 * 1024**3, dtype=np.uint8)\n"
             "except MemoryError:\n    print('MemoryError')"]
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
