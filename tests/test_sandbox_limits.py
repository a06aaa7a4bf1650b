"""What a submission can do to the machine through the grader's child, and what it cannot reach.

Each test names a class of attack from issue 10 and fails with the sandbox switched off or
weakened: files counted against the submission (size and number, /tmp and the working folder),
nothing left on the host however deep, the course secret nowhere in the sandbox (also as an
ordinary user, where bwrap runs in a user namespace), the grader's own files neither importable
nor readable, no capability left.

To see that they test something, switch the sandbox off (an unprotected child):
    CONV_TEST_UNSANDBOXED=1 pytest tests/test_sandbox_limits.py
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from autograder import isolation
from autograder.cleanup import remove_tree
from autograder.course import Limits
from autograder.sandbox import Call, run_submission
from autograder.submission import CodeChunk

pytestmark = pytest.mark.needs_bwrap

UNSANDBOXED = bool(os.environ.get("CONV_TEST_UNSANDBOXED"))
LIMITS = Limits(time_s=5, cpu_s=5, memory_mb=768, processes=32, output_kb=16, disk_mb=8, files=200)


@pytest.fixture(autouse=True)
def _sandbox_switch(monkeypatch):
    if UNSANDBOXED:
        monkeypatch.setenv("AUTOGRADER_NO_BWRAP", "1")
    isolation.probe.cache_clear()
    yield
    isolation.probe.cache_clear()


def _run(source: str, calls, limits=LIMITS):
    return run_submission([CodeChunk("module", source)], calls, limits, allow_unprotected=UNSANDBOXED)


def _value(run, i=0):
    outcome = run.outcomes[i]
    assert outcome.status == "ok", (outcome.status, outcome.message)
    return outcome.value


FILL = '''
import os, tempfile
def fill(where, how):
    """Write into `where` until refused; returns (stopped with ENOSPC/EFBIG, MB or files written)."""
    os.makedirs(where, exist_ok=True)
    n = 0
    try:
        if how == "bytes":
            with open(os.path.join(where, "big"), "wb") as f:
                while n < 4096:
                    f.write(b"x" * (1 << 20)); f.flush(); n += 1
        elif how == "files":
            while n < 100_000:
                open(os.path.join(where, f"f{n}"), "w").close(); n += 1
        else:  # a folder tree far deeper than any recursive clean-up survives
            fd = os.open(where, os.O_RDONLY)
            while n < 100_000:
                os.mkdir("d", dir_fd=fd); fd = os.open("d", os.O_RDONLY, dir_fd=fd); n += 1
    except OSError as e:
        stopped = e.errno in (27, 28)
    else:
        stopped = False
    if how != "deep":  # make room for the next call (a deep tree is each folder's last test)
        for name in os.listdir(where):
            os.remove(os.path.join(where, name))
    return stopped, n
'''


def test_files_count_against_the_submission_and_nothing_stays_on_the_host(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    calls = [Call("fill", (where, how)) for where in ("/tmp/a", "./a")
             for how in ("bytes", "files", "deep")]
    run = _run(FILL, calls)
    for i, call in enumerate(calls):
        stopped, amount = _value(run, i)
        assert stopped, (call.args, amount)
        if call.args[1] == "bytes":
            assert amount <= LIMITS.disk_mb + 1  # MB: the cap, not the host's memory or disk
        else:
            assert amount <= LIMITS.files  # files or folder levels: the file-count cap
    # one child served every call; when it ended, its folders went with it (the warm font cache
    # lives as long as the grader process: see the next test)
    assert [n for n in os.listdir(tmp_path) if not n.startswith("autograder-mplcache-")] == []


@pytest.mark.slow
def test_a_grader_run_leaves_nothing_in_tmpdir(tmp_path):
    """Each run used to leave an autograder-mplcache-* folder behind (issue 10, item 11)."""
    import subprocess

    from course_helpers import ROOT

    env = dict(os.environ, TMPDIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", "--reference",
                           "--assignment", "a2_correlation"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "100 %" in proc.stdout
    assert os.listdir(tmp_path) == []


def test_the_course_secret_is_nowhere_in_the_sandbox(monkeypatch):
    monkeypatch.setenv("CONV_COURSE_SECRET", "child-secret-7d21")
    source = '''
import os
def look():
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit() or pid == "self":
            try:
                if b"child-secret" in open(f"/proc/{pid}/environ", "rb").read():
                    found.append(pid)
            except OSError:
                pass  # unreadable is as good as empty
    return found, "child-secret" in repr(dict(os.environ))
'''
    assert _value(_run(source, [Call("look")])) == ([], False)


def test_the_graders_own_files_can_be_neither_imported_nor_read():
    source = '''
import importlib, os, sys
def borrow():
    found = {}
    sys.path[:0] = ["/grader", "/grader/seed"]
    for name in ("testfunctions", "isolation", "_child", "autograder", "autograder.gradcheck"):
        try:
            importlib.import_module(name)
            found[name] = "imported"
        except Exception as e:
            pass
    found["/grader"] = sorted(os.listdir("/grader")) if os.path.isdir("/grader") else None
    mods = [m for m in list(sys.modules) if "testfunctions" in m or "isolation" in m]
    return found, mods
'''
    found, modules = _value(_run(source, [Call("borrow")]))
    assert found == {"/grader": []}, found
    assert modules == []


def test_an_installed_copy_of_the_grader_is_covered(tmp_path, monkeypatch):
    """A normal (non-editable) install puts the package beside numpy, inside the Python install
    that the sandbox shows; it must not be importable there."""
    site = tmp_path / "site-packages"
    shutil.copytree(Path(isolation.__file__).parent, site / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    real_roots = isolation.python_roots()
    monkeypatch.setattr(isolation, "python_roots", lambda: real_roots + [str(site)])
    monkeypatch.setattr(isolation, "__file__", str(site / "autograder" / "isolation.py"))
    source = f'''
import sys
def borrow():
    sys.path.insert(0, {str(site)!r})
    try:
        from autograder import gradcheck
        return "imported"
    except ImportError:
        return "hidden"
'''
    assert _value(_run(source, [Call("borrow")])) == "hidden"
    # the same run with the cover switched off imports it: the test can see the difference
    monkeypatch.setattr(isolation, "installed_grader", lambda roots: [])
    assert _value(_run(source, [Call("borrow")])) == "imported"


def test_no_capability_is_left_to_the_student_or_what_it_starts():
    source = '''
import subprocess
def caps():
    own = [l.split()[1] for l in open("/proc/self/status") if l.startswith(("CapPrm", "CapEff", "CapAmb"))]
    child = subprocess.run(["grep", "-E", "CapPrm|CapEff", "/proc/self/status"], capture_output=True, text=True)
    return own, [l.split()[1] for l in child.stdout.splitlines()]
'''
    own, child = _value(_run(source, [Call("caps")]))
    assert set(own) == {"0000000000000000"} and set(child) == {"0000000000000000"}


@pytest.mark.slow
def test_remove_tree_survives_what_shutil_rmtree_does_not(tmp_path):
    top = tmp_path / "w"
    top.mkdir()
    fd = os.open(top, os.O_RDONLY)
    for _ in range(3000):  # deeper than the recursion limit, longer than PATH_MAX
        os.mkdir("d", dir_fd=fd)
        fd, old = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(old)
    os.symlink(str(tmp_path / "outside"), "link", dir_fd=fd)
    os.close(fd)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep").write_text("kept")
    os.mkfifo(top / "fifo")
    (top / "ro").mkdir()
    (top / "ro" / "f").write_text("x")
    os.chmod(top / "ro", 0o500)
    (top / "closed").mkdir()  # its owner took every permission away (stops an ordinary user)
    (top / "closed" / "f").write_text("x")
    os.chmod(top / "closed", 0)
    with pytest.raises((RecursionError, OSError)):  # too deep (as root), or the 0500 folder first
        shutil.rmtree(top)
    assert remove_tree(top) == ""
    assert not top.exists()
    assert (tmp_path / "outside" / "keep").read_text() == "kept"  # the link was not followed
    assert remove_tree(top) == ""  # already gone: nothing to say


@pytest.mark.skipif(os.geteuid() != 0, reason="already an ordinary user: the rest of the suite is the test")
@pytest.mark.slow
@pytest.mark.timeout(1200)  # three test files again, in a subprocess
def test_the_sandbox_tests_pass_as_an_ordinary_user():
    """Instructors run the grader as themselves (bubblewrap in a user namespace), not as root:
    run the sandbox test files again as uid 65534."""
    import tempfile

    from course_helpers import ROOT, as_ordinary_user

    home = tempfile.mkdtemp(prefix="ag-user-")  # not under pytest's 0700 folder
    try:
        os.chown(home, 65534, 65534)
        files = ["tests/test_sandbox_limits.py", "tests/test_sandbox.py", "tests/test_kernel_sandbox.py"]
        argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
                f"--basetemp={home}/pytest", *files]
        proc = as_ordinary_user(argv, cwd=ROOT, home=Path(home))
    finally:
        remove_tree(home)
    tail = proc.stdout[-3000:]
    assert proc.returncode == 0, tail + proc.stderr[-2000:]
    skipped = [line for line in tail.splitlines() if line.startswith("SKIPPED")]
    assert all("already an ordinary user" in line for line in skipped), tail  # only this test
    assert proc.stdout.count(".") > 30, tail  # the sandbox tests ran, not zero collected


def test_an_installed_grader_is_covered_not_refused(monkeypatch):
    """Installed in a venv, the package's parent is site-packages: protecting it (as for a
    checkout, whose parent holds solutions/) would refuse every sandbox; the package is covered."""
    from autograder import sandbox

    assert str(Path(isolation.__file__).parents[1]) in sandbox._protected_paths()  # a checkout
    monkeypatch.setattr(isolation, "installed_grader", lambda roots: ["/venv/site-packages/autograder"])
    assert sandbox._protected_paths() == [os.getcwd()]
    assert isolation.installed_grader.__name__  # (the real one also looks under /usr:)
    monkeypatch.undo()
    monkeypatch.setattr(isolation, "grader_package", lambda: "/usr/lib/python3/dist-packages/autograder")
    assert isolation.installed_grader([]) == ["/usr/lib/python3/dist-packages/autograder"]


def test_a_private_folder_may_not_hide_what_the_sandbox_needs():
    probe = isolation.Probe("privileged", "bwrap", "")
    root = isolation.python_roots()[0]
    with pytest.raises(RuntimeError, match="would hide"):
        isolation.bwrap_command(probe, rw_binds=[], ro_binds=[], chdir="/", env={},
                                private=[os.path.dirname(root)])
    with pytest.raises(RuntimeError, match="contains the protected folder"):
        isolation.bwrap_command(probe, rw_binds=[], ro_binds=[("/srv/course", "/grader/seed/work")],
                                chdir="/", env={}, protected=["/srv/course/solutions"])


def test_copy_into_skips_what_it_cannot_read(tmp_path):
    source, dest = tmp_path / "src", tmp_path / "dst"
    source.mkdir()
    dest.mkdir()
    for name in "abcdefgh":
        (source / name).write_text(name)
    os.symlink("/etc/passwd", source / "link")
    os.mkfifo(source / "fifo")
    (source / "sub").mkdir()
    (source / "sub" / "deep.txt").write_text("deep")
    isolation.copy_into(str(source), str(dest), None, 100)
    assert sorted(p.name for p in dest.iterdir()) == sorted([*"abcdefgh", "sub"])
    assert (dest / "sub" / "deep.txt").read_text() == "deep"
