"""A throwaway PostgreSQL server for the tests (not a test file itself).

`PostgresServer` makes a new cluster with `initdb` in a private temporary folder, starts it on a
free port of 127.0.0.1 (its unix socket in that folder, never /var/run/postgresql), and removes
it all on `stop()`. PostgreSQL refuses to run as root: as root, every server command runs as
`nobody` (setpriv), and the folder belongs to that user.

The binaries are found on PATH (`pg_ctl`) or under /usr/lib/postgresql/<version>/bin (Debian and
Ubuntu's package `postgresql` puts them there). `AUTOGRADER_PG_BINDIR` names the folder to use
instead, and only that one: set it to a folder without them to see what happens on a machine
without PostgreSQL.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BINDIR_ENV = "AUTOGRADER_PG_BINDIR"
NOBODY = 65534
SUPERUSER = "postgres"


class PostgresMissing(Exception):
    """No PostgreSQL server binaries on this machine."""


def in_ci() -> bool:
    """True in CI (.ci/run sets CI=1; CI runners set CI=true), where a missing server is an error."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_bindir() -> Path:
    """The folder holding initdb, pg_ctl and postgres; PostgresMissing says where we looked."""
    override = os.environ.get(BINDIR_ENV)
    if override is not None:
        candidates = [override]
    else:
        on_path = shutil.which("pg_ctl")
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                          key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.name.split(".")],
                          reverse=True)
        candidates = ([str(Path(on_path).parent)] if on_path else []) + versions
    for folder in candidates:
        if all(os.access(Path(folder) / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    where = f"{BINDIR_ENV}={override}" if override is not None else "PATH and /usr/lib/postgresql/*/bin"
    raise PostgresMissing(f"no PostgreSQL server (initdb, pg_ctl, postgres) in {where}; "
                          "install it with: apt-get install postgresql")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A private PostgreSQL cluster: password login (scram-sha-256) over TCP on 127.0.0.1."""

    def __init__(self, bindir: Path | None = None, password: str = "gradebook-test-pw"):
        self.bindir = Path(bindir) if bindir else find_bindir()
        self.password = password
        self.port = 0
        self.folder = Path(tempfile.mkdtemp(prefix="conv-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"

    def _as_server_user(self, argv: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return argv
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]

    def _run(self, *argv: str, timeout: float = 120) -> None:
        command = self._as_server_user([str(self.bindir / argv[0]), *argv[1:]])
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                cwd=self.folder, env={**os.environ, "LC_ALL": "C"})
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(argv)} exited with {result.returncode}:\n"
                               f"{result.stdout}\n{result.stderr}\n{log}")

    def start(self) -> PostgresServer:
        pwfile = self.folder / "pwfile"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            os.chown(self.folder, NOBODY, NOBODY)
            os.chown(pwfile, NOBODY, NOBODY)
        os.chmod(self.folder, 0o700)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, f"--pwfile={pwfile}",
                  "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8",
                  "--no-locale", "--no-sync")
        pwfile.unlink()
        self.port = free_port()
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
        return self

    def url(self, database: str = "postgres", password: bool = True, port: int | None = None) -> str:
        """postgresql://postgres[:password]@127.0.0.1:<port>/<database>"""
        auth = f"{SUPERUSER}:{self.password}" if password else SUPERUSER
        return f"postgresql://{auth}@127.0.0.1:{port or self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database; returns its URL (password included)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():  # also a start that timed out
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
