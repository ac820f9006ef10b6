"""A throwaway PostgreSQL cluster for the tests: ``initdb`` in a temporary directory, the server
on a free loopback port with password (SCRAM) sign-in, stopped and removed at the end.

PostgreSQL refuses to run as root, so as root (CI) the cluster belongs to the ``postgres``
account (Debian's package makes it) and its commands run through ``runuser``. Fault tests stop,
start, cut and restore it: :meth:`stop`, :meth:`start`, :meth:`cut_connections`, :meth:`dump`,
:meth:`restore`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from glob import glob
from pathlib import Path

USER = "levelup"


def _bin(name: str) -> str:
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed: apt-get install postgresql (CI does)."
        )
    return found[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """One PostgreSQL server of its own; :attr:`url` reaches its ``postgres`` database."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="levelup-pg-"))
        self.data = self.root / "data"
        self.password = secrets.token_urlsafe(16)
        self.port = _free_port()
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        password_file = self.root / "password"
        password_file.write_text(self.password + "\n")
        if self._as_root:
            shutil.chown(password_file, "postgres", "postgres")
        self._run(
            _bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            USER,
            "--auth=scram-sha-256",
            f"--pwfile={password_file}",
            "-E",
            "UTF8",
            "--locale=C",
        )
        password_file.unlink()
        self.start()

    def url(self, database: str = "postgres") -> str:
        """A ``postgresql://`` URL with the password in it (tests only: the register keeps
        its password in the secret store)."""
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def url_without_password(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database; its name."""
        name = "t_" + secrets.token_hex(6)
        self.sql(f"CREATE DATABASE {name}")
        return name

    def sql(self, statement: str, database: str = "postgres") -> str:
        return self._run(_bin("psql"), "-X", "-q", "-t", "-A", "-c", statement, self.url(database))

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            _bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
            "-w", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def cut_connections(self, database: str) -> None:
        """Close every client's connection to ``database`` (as a network cut does)."""
        self.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )

    def dump(self, database: str, name: str) -> Path:
        """``database`` dumped (``pg_dump -Fc``) to a file of the cluster's own; its path."""
        path = self.root / f"{name}.dump"
        self._run(_bin("pg_dump"), "-Fc", "-f", str(path), self.url(database))
        return path

    def restore(self, database: str, path: Path) -> None:
        """``database`` as it was when ``path`` was dumped (dropped and created again)."""
        self.cut_connections(database)
        self.sql(f"DROP DATABASE {database}")
        self.sql(f"CREATE DATABASE {database}")
        self._run(_bin("pg_restore"), "-d", self.url(database), str(path))

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, *command: str) -> str:
        argv: Sequence[str] = command
        if self._as_root:
            argv = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(
            argv, capture_output=True, text=True, check=False, cwd=self.root, timeout=120
        )
        if done.returncode != 0:
            raise subprocess.CalledProcessError(
                done.returncode, [*command[:1], done.stderr.strip()], done.stdout, done.stderr
            )
        return done.stdout
