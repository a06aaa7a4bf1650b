"""The Jupyter kernel that `nbgrader autograde` runs a submission in, locked in like the grader's child.

    c.Execute.kernel_manager_class = "autograder.kernel_sandbox.SandboxedKernelManager"

(nbgrader's Execute passes AsyncKernelManager as a keyword, which beats config: the course's
nbgrader integration puts this class back; nbclient's NotebookClient takes it as
`kernel_manager_class=`.)

The ipykernel runs under bubblewrap (isolation.py): PID namespace with bwrap as pid 1, so when the
kernel ends or is killed every process it started dies with it (a double-forked setsid daemon
too); the network unshared, so the ZMQ channels use transport="ipc" (unix sockets in a private
run folder bound into the sandbox at the same path); an unprivileged uid of its own (see
isolation.py); memory/process/CPU rlimits; the
only writable places are the notebook's working folder (the kernel's cwd, e.g.
autograded/<student>/<assignment>/) and a private /tmp. The course root, gradebook, solutions/,
other students' folders and the secret are not visible at all.

After the kernel is gone, the working folder is cleaned of what could trick a later step running
as the instructor: symlinks, FIFOs, sockets and device nodes are removed (nbgrader writes the
executed notebook into that folder next), and the ownership changed for the run is restored.

Without usable bubblewrap it refuses (SandboxUnavailable) unless course.yml sets
grading.sandbox.allow_unprotected: true; then it prints one warning line per kernel.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Float, Integer, default

from . import isolation
from .sandbox import SandboxUnavailable, resolve_isolation

_ISOLATION_PY = str(Path(isolation.__file__).resolve())
_INSIDE = "/grader/isolation.py"


def _course_settings():
    """(Limits, allow_unprotected, nbgrader cell timeout) from course.yml, defaults without one."""
    from .course import CourseError, Limits, load_course

    try:
        course = load_course()
    except CourseError:
        return Limits(), False, 120
    return course.grading.limits, course.grading.sandbox.allow_unprotected, course.nbgrader.timeout_s


class SandboxedKernelManager(AsyncKernelManager):
    """AsyncKernelManager whose kernel runs in the bubblewrap sandbox (see the module doc)."""

    memory_mb = Integer(None, allow_none=True, config=True,
                        help="Address-space limit of the kernel (default: course.yml limits.memory_mb, at least 1024).")
    processes = Integer(None, allow_none=True, config=True,
                        help="Processes + threads the kernel may run (default: course.yml limits.processes).")
    cpu_s = Float(None, allow_none=True, config=True,
                  help="CPU seconds for the whole kernel (default: 5 x nbgrader.timeout_s, at least 600).")
    allow_unprotected = Bool(None, allow_none=True, config=True,
                             help="Run without bubblewrap (default: course.yml grading.sandbox.allow_unprotected).")

    @default("cache_ports")
    def _no_port_cache(self) -> bool:
        return False

    # ---- set-up --------------------------------------------------------------------------

    def _settings(self):
        limits, allow, timeout_s = _course_settings()
        allow = allow if self.allow_unprotected is None else self.allow_unprotected
        # ipykernel + zmq threads + numpy/matplotlib need more address space than the grader child
        memory = self.memory_mb or max(int(limits.memory_mb), 1024)
        processes = self.processes or max(int(limits.processes), 32)
        cpu = self.cpu_s or max(600.0, 5.0 * timeout_s)
        return memory, processes, cpu, allow

    async def _async_pre_start_kernel(self, **kw):
        memory, processes, cpu, allow = self._settings()
        try:
            description, probe, drop = resolve_isolation(allow)
        except SandboxUnavailable as exc:
            raise SandboxUnavailable(f"nbgrader autograde: {exc}") from None
        if probe is None:
            self._warn_once(description)
        self._sb_probe, self._sb_drop = probe, drop
        self._sb_limits = {"memory_mb": memory, "processes": processes, "cpu_s": cpu}
        self._sb_as_nobody = probe is not None or drop
        self._sb_uid = isolation.new_sandbox_uid()
        self._sb_rundir = tempfile.mkdtemp(prefix="autograder-kernel-")
        os.chmod(self._sb_rundir, 0o700)
        if self._sb_as_nobody:
            isolation.chown_for_sandbox(self._sb_rundir, self._sb_uid)
        # the run folder is bound at its own path and is the kernel's: a warm font cache there
        self._sb_mplconfig = isolation.seed_matplotlib_config(
            self._sb_rundir, self._sb_uid if self._sb_as_nobody else None)
        self.transport = "ipc"
        self.ip = os.path.join(self._sb_rundir, "k")
        self.connection_file = os.path.join(self._sb_rundir, "kernel.json")
        cwd = os.path.abspath(kw.get("cwd") or os.getcwd())
        kw["cwd"] = cwd
        self._sb_cwd = cwd
        self._sb_owners = self._lend(cwd, self._sb_uid) if self._sb_as_nobody else {}
        return await super()._async_pre_start_kernel(**kw)

    def _warn_once(self, description: str) -> None:
        if not getattr(SandboxedKernelManager, "_warned", False):
            SandboxedKernelManager._warned = True
            print(f"WARNING: nbgrader kernel {description}", file=sys.stderr)
        self.log.warning("kernel %s", description)

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if getattr(self, "_sb_as_nobody", False) and os.geteuid() == 0:
            os.chown(self.connection_file, self._sb_uid, self._sb_uid)

    def format_kernel_cmd(self, extra_arguments=None):
        """Our own ipykernel command (only Python kernels), wrapped in limits and the sandbox."""
        extra = list(extra_arguments or [])
        limits = dict(self._sb_limits, cwd=self._sb_cwd, drop=self._sb_as_nobody, uid=self._sb_uid)
        kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file, *extra]
        if self._sb_probe is None:
            return [sys.executable, "-I", "-S", _ISOLATION_PY, json.dumps(limits), "--", *kernel]
        prefix = isolation.bwrap_command(
            self._sb_probe,
            rw_binds=[(self._sb_cwd, self._sb_cwd), (self._sb_rundir, self._sb_rundir)],
            ro_binds=[(_ISOLATION_PY, _INSIDE)],
            chdir="/",
            env=_kernel_env("/tmp", self._sb_mplconfig),
            protected=self._protected(),
        )
        return prefix + [sys.executable, "-I", "-S", _INSIDE, json.dumps(limits), "--", *kernel]

    def _protected(self) -> list[str]:
        """The course root must never be bound, even by accident (cwd is a folder inside it)."""
        from .course import CourseError, find_course_file

        try:
            return [str(find_course_file().parent)]
        except CourseError:
            return []

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        home = "/tmp" if self._sb_probe is not None else self._sb_cwd
        kw["env"] = _kernel_env(home, self._sb_mplconfig)  # nothing of the grader's environment leaks
        kw["stdin"] = None
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    # ---- interrupts: by message (a signal to bwrap would kill the whole sandbox) ------------

    async def _async_interrupt_kernel(self) -> None:
        if self.has_kernel and self.kernel_spec is not None:
            self.kernel_spec.interrupt_mode = "message"
        await super()._async_interrupt_kernel()

    # ---- tear-down -------------------------------------------------------------------------

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if restart:
            return
        rundir = getattr(self, "_sb_rundir", None)
        if rundir:
            shutil.rmtree(rundir, ignore_errors=True)
            self._sb_rundir = None
        cwd = getattr(self, "_sb_cwd", None)
        if cwd:
            sanitize_workdir(cwd)
            _restore_owners(cwd, getattr(self, "_sb_owners", {}))
            self._sb_cwd = None

    # AsyncKernelManager binds its public names to the base class's functions: re-point them
    pre_start_kernel = _async_pre_start_kernel
    _launch_kernel = _async_launch_kernel
    interrupt_kernel = _async_interrupt_kernel
    cleanup_resources = _async_cleanup_resources

    @staticmethod
    def _lend(cwd: str, uid: int) -> dict[str, tuple[int, int]]:
        """chown the working folder (tree) to the sandbox uid for the run; return the owners."""
        if os.geteuid() != 0:
            return {}
        owners: dict[str, tuple[int, int]] = {}
        for path in [cwd, *_walk(cwd)]:
            st = os.lstat(path)
            owners[path] = (st.st_uid, st.st_gid)
            os.lchown(path, uid, uid)
        return owners


def _kernel_env(home: str, mplconfigdir: str) -> dict[str, str]:
    # JPY_PARENT_PID=1: ipykernel skips its parent poller (our parent is bwrap, pid 1 inside)
    return dict(isolation.sandbox_env(home, mplconfigdir), JPY_PARENT_PID="1")


def _walk(top: str):
    """Every path under `top` (not following symlinks)."""
    for folder, dirs, files in os.walk(top, followlinks=False):
        for name in dirs + files:
            yield os.path.join(folder, name)


def sanitize_workdir(top: str) -> list[str]:
    """Remove symlinks, FIFOs, sockets and device nodes under `top`; return what was removed.

    The kernel could plant `a2.ipynb -> /course/gradebook.db` or a FIFO that blocks the next
    writer; nbgrader, running as the instructor, writes into this folder after the kernel.
    """
    removed = []
    for path in list(_walk(top)):
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) \
                or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            os.unlink(path)
            removed.append(path)
        elif stat.S_ISREG(mode) and mode & (stat.S_ISUID | stat.S_ISGID):
            os.chmod(path, stat.S_IMODE(mode) & ~(stat.S_ISUID | stat.S_ISGID), follow_symlinks=False)
    return removed


def _restore_owners(top: str, owners: dict[str, tuple[int, int]]) -> None:
    """Give the folder back: old paths to their owners, new ones to the folder's owner."""
    if not owners or os.geteuid() != 0:
        return
    default_owner = owners.get(top, (0, 0))
    for path in [top, *_walk(top)]:
        uid, gid = owners.get(path, default_owner)
        try:
            os.lchown(path, uid, gid)
        except OSError:
            pass
