"""Staff: roles, PINs as salted slow hashes, lockout, and the commands that manage them."""

from __future__ import annotations

import io
import shutil
import sqlite3
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from pos_app import cli
from pos_app.engine.staff import (
    MAX_FAILURES,
    AccessDenied,
    Permission,
    Role,
    hash_pin,
    pin_matches,
)
from pos_app.journal import SqliteJournal
from pos_app.journal import staff as staff_module
from pos_app.journal.staff import SqliteStaff
from tests.journal.test_store import FIXTURES, V1_KEY


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def directory(tmp_path, clock):
    journal = SqliteJournal(tmp_path / "journal.sqlite3", Fernet.generate_key(), "3")
    staff = SqliteStaff(journal, clock)
    staff.add("mia", "Mia", Role.MANAGER, "2468")
    yield staff
    journal.close()


def test_a_right_pin_signs_in_with_the_role(directory):
    member = directory.verify("mia", "2468")
    assert (member.name, member.role) == ("Mia", Role.MANAGER)
    assert member.may(Permission.VOID) and not member.may(Permission.SETTINGS)


def test_wrong_pins_lock_a_member_out_for_a_while(directory, clock):
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(AccessDenied, match="Wrong PIN"):
            directory.verify("mia", "0000")
    with pytest.raises(AccessDenied, match="Locked for 5 minutes"):
        directory.verify("mia", "0000")
    with pytest.raises(AccessDenied, match="locked out"):
        directory.verify("mia", "2468")  # even the right PIN, while locked
    clock.now += timedelta(minutes=6)
    assert directory.verify("mia", "2468").staff_id == "mia"
    with pytest.raises(AccessDenied, match="Wrong PIN"):  # the count started afresh
        directory.verify("mia", "0000")


def test_wrong_pins_guessed_at_once_still_lock(tmp_path, clock):
    """Guesses in parallel, from two directories on one file (as two processes), all count."""
    path = tmp_path / "journal.sqlite3"
    key = Fernet.generate_key()
    journals = [SqliteJournal(path, key, "3"), SqliteJournal(path, key, "3")]
    directories = [SqliteStaff(journal, clock) for journal in journals]
    directories[0].add("mia", "Mia", Role.MANAGER, "2468")
    answers: list[str] = []

    def guess(n: int) -> None:
        try:
            directories[n % 2].verify("mia", f"{9000 + n:04d}")
        except AccessDenied as denied:
            answers.append(str(denied))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(2 * MAX_FAILURES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 2 * MAX_FAILURES  # every guess refused, none crashed
    with pytest.raises(AccessDenied, match="locked out"):
        directories[1].verify("mia", "2468")
    for journal in journals:
        journal.close()


def test_unknown_ids_cost_a_pin_check_like_known_ones(directory, monkeypatch):
    """So the time an answer takes does not tell which staff ids exist."""
    checked: list[str] = []
    real = staff_module.pin_matches

    def counting(pin: str, stored: str) -> bool:
        checked.append(pin)
        return real(pin, stored)

    monkeypatch.setattr(staff_module, "pin_matches", counting)
    directory.disable("mia")
    for staff_id in ("nobody", "mia"):
        with pytest.raises(AccessDenied):
            directory.verify(staff_id, "2468")
    assert checked == ["2468", "2468"]


def test_a_right_pin_clears_the_count(directory):
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(AccessDenied):
            directory.verify("mia", "9999")
    directory.verify("mia", "2468")
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(AccessDenied, match="Wrong PIN"):
            directory.verify("mia", "9999")


def test_disabled_and_unknown_members_cannot_sign_in(directory):
    directory.disable("mia")
    for staff_id in ("mia", "nobody"):
        with pytest.raises(AccessDenied, match="cannot sign in"):
            directory.verify(staff_id, "2468")
    assert [m.active for m in directory.members()] == [False]
    with pytest.raises(ValueError, match="no staff member"):
        directory.disable("nobody")


@pytest.mark.parametrize(
    ("staff_id", "name", "pin", "message"),
    [
        ("mia", "Again", "1111", "already a staff member"),
        ("Bad Id", "X", "1111", "staff id"),
        ("ok", " ", "1111", "needs a name"),
        ("ok", "X", "12", "4 to 8 digits"),
        ("ok", "X", "12ab", "4 to 8 digits"),
    ],
)
def test_bad_staff_are_refused(directory, staff_id, name, pin, message):
    with pytest.raises(ValueError, match=message):
        directory.add(staff_id, name, Role.CASHIER, pin)


def test_pins_are_salted_slow_hashes_never_kept_in_clear(directory, tmp_path):
    first, second = hash_pin("2468"), hash_pin("2468")
    assert first != second and first.startswith("scrypt$16384$8$1$")
    assert pin_matches("2468", first) and not pin_matches("2469", first)
    assert not pin_matches("2468", "md5$whatever") and not pin_matches("2468", "garbage")
    with sqlite3.connect(tmp_path / "journal.sqlite3") as raw:
        [stored] = raw.execute("SELECT pin_hash FROM staff").fetchone()
    assert "2468" not in stored and pin_matches("2468", stored)


def test_the_first_journal_version_gains_a_staff_table(tmp_path):
    path = tmp_path / "journal.sqlite3"
    shutil.copy(FIXTURES / "journal-v1.sqlite3", path)
    journal = SqliteJournal(path, V1_KEY, "3")
    SqliteStaff(journal).add("mia", "Mia", Role.MANAGER, "2468")
    assert [m.staff_id for m in SqliteStaff(journal).members()] == ["mia"]
    assert [r.check.identifier for r in journal.unsettled()] == ["2611200001"]
    journal.close()


def staff_command(monkeypatch, capsys, tmp_path, *args, stdin=""):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = cli.main(["staff", *args, "--data-dir", str(tmp_path / "register")])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_staff_commands(monkeypatch, capsys, tmp_path):
    def staff(*args, stdin=""):
        return staff_command(monkeypatch, capsys, tmp_path, *args, stdin=stdin)

    status, out, _ = staff("add", "lee", "Lee", "--role", "admin", stdin="8642\n")
    assert status == 0 and "added lee (Lee), admin" in out  # the first admin: no approval
    status, out, _ = staff(
        "add", "mia", "Mia", "--role", "manager", "--admin", "lee", stdin="2468\n8642\n"
    )
    assert status == 0 and "added mia (Mia), manager" in out
    status, _, err = staff("add", "cal", "Cal", "--admin", "lee", stdin="12\n8642\n")
    assert status == 1 and "4 to 8 digits" in err
    staff("add", "cal", "Cal", "--admin", "lee", stdin="1357\n8642\n")
    staff("disable", "cal", "--admin", "lee", stdin="8642\n")
    _, out, _ = staff("list")
    assert out.splitlines() == [
        "cal              cashier  Cal  (disabled)",
        "lee              admin    Lee",
        "mia              manager  Mia",
    ]
    written = b"".join(f.read_bytes() for f in (tmp_path / "register").rglob("*") if f.is_file())
    assert b"2468" not in written and b"1357" not in written and b"8642" not in written


def test_staff_changes_need_an_admin_and_are_audited(monkeypatch, capsys, tmp_path):
    """Red team D8: nobody makes themselves a manager without an admin's PIN."""

    def staff(*args, stdin=""):
        return staff_command(monkeypatch, capsys, tmp_path, *args, stdin=stdin)

    status, _, err = staff("add", "eve", "Eve", "--role", "manager", stdin="2468\n")
    assert status == 1 and "no admin yet" in err  # a new register's first member is an admin
    assert staff("add", "lee", "Lee", "--role", "admin", stdin="8642\n")[0] == 0
    status, _, err = staff("add", "eve", "Eve", "--role", "admin", stdin="2468\n")
    assert status == 1 and "needs an admin's approval" in err
    status, _, err = staff("add", "eve", "Eve", "--admin", "lee", stdin="2468\n1111\n")
    assert status == 1 and "Wrong PIN" in err
    assert (
        staff("add", "mia", "Mia", "--role", "manager", "--admin", "lee", stdin="2468\n8642\n")[0]
        == 0
    )
    status, _, err = staff("add", "eve", "Eve", "--admin", "mia", stdin="2468\n2468\n")
    assert status == 1 and "not an admin" in err
    status, _, err = staff("disable", "lee", stdin="")
    assert status == 1 and "needs an admin's approval" in err
    assert staff("disable", "mia", "--admin", "lee", stdin="8642\n")[0] == 0

    journal = SqliteJournal(tmp_path / "register" / "journal.sqlite3", None, "x")
    from pos_app.engine.eventlog import AUDITED

    trail = [(e["kind"], e["data"]) for e in journal.audit_trail(AUDITED)]
    journal.close()
    assert [t for t in trail if t[0] in ("staff_added", "staff_disabled")] == [
        ("staff_added", {"staff_id": "lee", "role": "admin", "approved_by": "(first admin)"}),
        ("staff_added", {"staff_id": "mia", "role": "manager", "approved_by": "lee"}),
        ("staff_disabled", {"staff_id": "mia", "approved_by": "lee"}),
    ]
    refused = [t[1]["staff_id"] for t in trail if t[0] == "approval_refused"]
    assert refused == ["lee", "mia"]
