"""``levelup-pos store status`` and ``store sync`` as an operator (or an installer) runs them,
against a throwaway PostgreSQL: a demo register with ``store.url`` ships as it goes, ``status``
shows every register of the location, ``sync`` exits 0 once the server holds everything, 4 while
some still wait, 1 when the server cannot be reached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = str(Path(sys.executable).with_name("levelup-pos"))
UNREACHABLE = "postgresql://pos@127.0.0.1:1/store"


class Register:
    """A data directory, driven through ``levelup-pos``."""

    def __init__(self, tmp_path: Path, name: str, password: str) -> None:
        self.data = tmp_path / name
        self.env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "LEVELUP_POS_STORE_PASSWORD": password,
        }

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SCRIPT, *args, "--data-dir", str(self.data)],
            capture_output=True,
            text=True,
            env=self.env,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def join(self, url: str, register_id: str) -> None:
        self.url = url
        self.ok("config", "set", "store.url", url)
        self.ok("config", "set", "register.id", register_id)
        self.ok("store", "password")

    def journal_seq(self) -> int:
        return json.loads(self.ok("store", "status", "--json"))["register"]["journal_seq"]


@pytest.fixture
def url(pg_cluster, store_database) -> str:
    return pg_cluster.url_without_password(store_database)


@pytest.fixture
def front(tmp_path, pg_cluster, url) -> Register:
    register = Register(tmp_path, "front", pg_cluster.password)
    register.join(url, "front")
    register.ok("store", "init")
    return register


def test_a_demo_ships_as_it_goes_and_status_shows_every_register(tmp_path, pg_cluster, url, front):
    summary = json.loads(front.ok("demo", "--headless", "--checks", "3").splitlines()[-1])
    assert summary["store"] == {"pending": 0, "up_to_date": True}
    back = Register(tmp_path, "back", pg_cluster.password)
    back.join(url, "back")
    back.ok("demo", "--headless", "--checks", "2", "--seed", "4")

    document = json.loads(front.ok("store", "status", "--json"))
    mine = document["register"]
    assert mine["register_id"] == "front" and mine["pending"] == 0
    assert mine["shipped_seq"] == mine["journal_seq"] > 0
    shipped = {row["register_id"]: row for row in document["registers"]}
    assert set(shipped) == {"front", "back"}
    assert shipped["front"]["shipped_seq"] == mine["journal_seq"]
    assert shipped["back"]["shipped_seq"] == back.journal_seq()
    assert all(row["last_error"] == "" and row["lag_seconds"] >= 0 for row in shipped.values())

    text = front.ok("store", "status", "--merchant")
    assert "front at location" in text and "0 events waiting" in text
    assert "Registers of merchant" in text and " back " in text
    synced = front.run("store", "sync")
    assert synced.returncode == 0, synced.stderr
    assert f"holds all {mine['journal_seq']} events" in synced.stdout


def test_sync_ships_what_is_pending_and_exits_4_when_its_time_is_up(front):
    front.ok("config", "set", "store.url", "")
    front.ok("demo", "--headless", "--checks", "2")  # as a register that worked alone
    front.ok("config", "set", "store.url", front.url)

    before = json.loads(front.ok("store", "status", "--json"))["register"]
    assert before["shipped_seq"] == 0 and before["pending"] == before["journal_seq"] > 0
    hurried = front.run("store", "sync", "--timeout", "0")
    assert hurried.returncode == 4, hurried.stdout + hurried.stderr
    assert "wait to ship" in hurried.stderr
    assert front.run("store", "sync").returncode == 0
    after = json.loads(front.ok("store", "status", "--json"))["register"]
    assert after["pending"] == 0 and after["shipped_seq"] == before["journal_seq"]


def test_an_unreachable_server_fails_status_and_sync_without_the_password(front, pg_cluster):
    front.ok("demo", "--headless", "--checks", "1")
    front.ok("config", "set", "store.url", UNREACHABLE)
    synced = front.run("store", "sync", "--timeout", "1")
    assert synced.returncode == 1
    assert "cannot be reached" in synced.stderr and "127.0.0.1:1" in synced.stderr
    status = front.run("store", "status")
    assert status.returncode == 1 and "cannot be reached" in status.stderr
    for said in (synced.stdout, synced.stderr, status.stdout, status.stderr):
        assert pg_cluster.password not in said


def test_status_and_sync_need_a_store_server(tmp_path):
    register = Register(tmp_path, "alone", "unused")
    for command in (("store", "status"), ("store", "sync")):
        result = register.run(*command)
        assert result.returncode == 1 and "no store server" in result.stderr
