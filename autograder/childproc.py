"""Starting one sandboxed child process: its command line, environment and pipes.

sandbox._Child talks to the child; this module only starts it, with the standard library,
isolation.py and fontcache.py, so that the command line can start the first child before numpy
and the rest of the grader are imported (early.py). Every child starts here, the same way.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import fontcache, isolation
from .cleanup import remove_tree

_HERE = Path(__file__).resolve().parent
_CHILD_FILES = ("_child.py", "isolation.py", "testfunctions.py", "wire.py")
SCRATCH_INSIDE = "/scratch"  # the child's working folder inside the sandbox (a private tmpfs)

# Modules a spare may import before it is needed: what the notebooks import, and nothing that a
# submission could choose (the names are matched against its text, never taken from it).
PREIMPORTABLE = ("matplotlib.pyplot",)


def imports_worth_starting(texts: Iterable[str]) -> tuple[str, ...]:
    """The PREIMPORTABLE modules that some of these submission texts import and that are
    installed here: a spare imports them while the grader works (matplotlib takes 0.3 s)."""
    import importlib.util

    texts = list(texts)
    wanted = []
    for module in PREIMPORTABLE:
        top = module.split(".")[0]
        if any(top in text for text in texts) and importlib.util.find_spec(top) is not None:
            wanted.append(module)
    return tuple(wanted)


def runner_files() -> list[Path]:
    return [_HERE / name for name in _CHILD_FILES if (_HERE / name).exists()]


def protected_paths() -> list[str]:
    """Folders that must never be shown in the sandbox: the course (cwd), and the checkout this
    package lives in (its parent holds solutions/). An installed package's parent is
    site-packages, which the sandbox shows; the package itself is covered there instead
    (isolation.installed_grader)."""
    checkout = [] if isolation.installed_grader(isolation.python_roots()) else [str(_HERE.parent)]
    return [os.getcwd(), *checkout]


def setup_for(limits, cpu_hard: float | None, preimport: tuple[str, ...]) -> dict:
    """What a child is started with from `limits` (course.Limits, or anything with the same
    attributes), without its throwaway uid: two children with equal setups (and the same
    probe mode and drop) are confined alike."""
    return {"memory_mb": limits.memory_mb, "processes": limits.processes, "cpu_hard_s": cpu_hard,
            "disk_mb": limits.disk_mb, "files": limits.files, "preimport": list(preimport)}


@dataclass
class Started:
    """A child process just started, and our ends of its pipes (commands, results, output)."""

    proc: subprocess.Popen
    cmd_w: int
    res_r: int
    out_r: int
    scratch: str | None  # its working folder on the host (only without bubblewrap)

    def kill(self) -> None:
        """Kill it with everything it started, close our pipes, remove its scratch folder."""
        end(self.proc)
        for fd in (self.cmd_w, self.res_r, self.out_r):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.scratch:
            remove_tree(self.scratch)  # without bubblewrap the student could make it any shape
            self.scratch = None


def end(proc: subprocess.Popen) -> None:
    """Kill a child's session and wait for it. Killing bwrap's session kills bwrap; its pid-1
    then dies (--die-with-parent) and the kernel kills every process in the PID namespace.
    Unprotected: the group."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def start(limits, probe: isolation.Probe | None, drop: bool, cpu_hard: float | None,
          preimport: tuple[str, ...]) -> Started:
    """Start a child (bubblewrap when `probe` is usable); it gets ready (imports, limits, cover)
    while the caller does other work, then says READY on its result pipe."""
    cmd_r, cmd_w = os.pipe()
    res_r, res_w = os.pipe()
    out_r, out_w = os.pipe()
    uid = isolation.new_sandbox_uid()
    setup = {"uid": uid, **setup_for(limits, cpu_hard, preimport)}
    scratch: str | None = None
    if probe is not None:
        # nothing on the host is writable: /tmp and /scratch are capped tmpfs mounts that
        # vanish with the sandbox; the runner's files are covered before student code runs
        font_binds, seeds = fontcache.sandbox_seed(f"{SCRATCH_INSIDE}/{fontcache.MPL_FOLDER}")
        ro = [(str(f), f"{isolation.RUNNER}/{f.name}") for f in runner_files()] + font_binds
        setup.update(private=["/tmp", SCRATCH_INSIDE], seeds=seeds, cover=[isolation.RUNNER],
                     drop=probe.drops_privileges, capabilities=True, cwd=SCRATCH_INSIDE)
        env = isolation.sandbox_env(
            SCRATCH_INSIDE, mplconfigdir=f"{SCRATCH_INSIDE}/{fontcache.MPL_FOLDER}")
        prefix = isolation.bwrap_command(
            probe, rw_binds=[], ro_binds=ro, chdir="/", env=env,
            protected=protected_paths(), private=[SCRATCH_INSIDE])
        argv = prefix + [sys.executable, "-I", "-B", f"{isolation.RUNNER}/_child.py"]
        # bwrap itself (pid 1 inside, whose /proc/1/environ the student can read in a user
        # namespace) gets no more of our environment than the child: never the secret
        env, cwd = isolation.BWRAP_ENV, None
    else:
        scratch = tempfile.mkdtemp(prefix="autograder-scratch-")
        if drop:
            isolation.chown_for_sandbox(scratch, uid)
        fontcache.seed_matplotlib_config(scratch, uid if drop else None)
        setup.update(drop=drop, cwd=scratch)
        argv = [sys.executable, "-I", "-B", str(_HERE / "_child.py")]
        env = isolation.sandbox_env(
            scratch, mplconfigdir=os.path.join(scratch, fontcache.MPL_FOLDER))
        cwd = scratch
    argv += [str(cmd_r), str(res_w), json.dumps(setup)]
    try:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out_w, stderr=out_w, pass_fds=(cmd_r, res_w),
            env=env, cwd=cwd, start_new_session=True, close_fds=True)
    except BaseException:
        for fd in (cmd_w, res_r, out_r):
            os.close(fd)
        if scratch:
            remove_tree(scratch)
        raise
    finally:
        for fd in (cmd_r, res_w, out_w):
            os.close(fd)
    return Started(proc, cmd_w, res_r, out_r, scratch)
