"""Logs and crash reports: useful to a maintainer, and never holding a secret."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap

import pytest

from pos_app.host import logs

LU = "LU0200018SECH4O89A4NBOT7030000LU"
TOKEN = "1-044906f6e5abd8224aa297e5e513ea309229f129b09fed21b1ca055a5515564f"


@pytest.fixture
def file_log(tmp_path):
    path = logs.log_to_files(tmp_path / "logs", level=logging.DEBUG)
    yield path
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "baseFilename", None) == str(path):
            root.removeHandler(handler)
            handler.close()


def lines(path):
    for handler in logging.getLogger().handlers:
        handler.flush()
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_file_lines_are_json_with_the_facts(file_log):
    logging.getLogger("levelup").warning("POST %s %d in %.1f ms", "/v15/completed_orders", 200, 3.2)
    [entry] = [e for e in lines(file_log) if e["logger"] == "levelup"]
    assert entry["level"] == "WARNING"
    assert entry["message"] == "POST /v15/completed_orders 200 in 3.2 ms"
    assert entry["time"].endswith("+00:00")


def test_secrets_are_masked_in_messages_arguments_and_tracebacks(file_log):
    logs.register_secret(TOKEN)
    log = logging.getLogger("levelup")
    log.info("scanned %s", LU)
    log.info('body {"password": "hunter2", "pin": "4321"}')
    log.info("token in free text: %s", TOKEN)
    try:
        raise RuntimeError(f'failed with token merchant="{TOKEN}" and code {LU}')
    except RuntimeError:
        log.exception("payment failed")
    text = file_log.read_text()
    for secret in (LU, LU[4:24], "hunter2", "4321", TOKEN):
        assert secret not in text
    entries = lines(file_log)
    assert any("exception" in e and "RuntimeError" in e["exception"] for e in entries)


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(logging.Formatter().format(record))


def test_a_handler_added_later_anywhere_sees_only_masked_records(file_log):
    """Redaction happens as a record is made, not in our handlers only."""
    logs.register_secret(TOKEN)
    kept = Kept()
    child = logging.getLogger("some.library")
    child.addHandler(kept)
    try:
        child.warning("body %s", {"password": "hunter2", "access_token": {"token": TOKEN}})
        child.warning('json {"pin": 2468}')
        try:
            raise RuntimeError(f"token={TOKEN}")
        except RuntimeError:
            child.exception("failed")
    finally:
        child.removeHandler(kept)
    text = "\n".join(kept.texts)
    assert "RuntimeError" in text
    for secret in ("hunter2", "2468", TOKEN):
        assert secret not in text
        assert secret not in file_log.read_text()


def test_a_bad_format_string_is_logged_not_raised(file_log):
    logging.getLogger("levelup").warning("count %d", "pin=1234")  # must not raise
    [entry] = [e for e in lines(file_log) if e["message"].startswith("count %d")]
    assert "1234" not in entry["message"]


def test_a_crash_report_is_written_redacted(tmp_path):
    logs.register_secret(TOKEN)
    try:
        raise ValueError(f"boom {TOKEN} {LU}")
    except ValueError as error:
        path = logs.write_crash_report(tmp_path, type(error), error, error.__traceback__)
    report = path.read_text()
    assert "ValueError: boom" in report and "LevelUp POS" in report
    assert TOKEN not in report and LU not in report
    assert path.stat().st_mode & 0o077 == 0


def test_uncaught_errors_in_any_thread_leave_reports(tmp_path):
    script = textwrap.dedent(f"""
        import threading
        from pathlib import Path
        from pos_app.host import logs
        logs.install_crash_handler(Path({str(tmp_path)!r}))
        def worker():
            raise RuntimeError("in a worker {LU}")
        thread = threading.Thread(target=worker, name="engine-lane")
        thread.start(); thread.join()
        raise SystemError("in the main thread")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode != 0
    reports = sorted(tmp_path.glob("crash-*.txt"))
    assert len(reports) == 2
    texts = [r.read_text() for r in reports]
    assert any("thread: engine-lane" in t and "RuntimeError: in a worker" in t for t in texts)
    assert any("SystemError: in the main thread" in t for t in texts)
    assert all(LU not in t for t in texts)
    assert "the report is in" in result.stderr


def test_records_no_handler_keeps_are_never_made(tmp_path):
    """A payment call's debug lines cost nothing unless someone asked for them."""
    script = textwrap.dedent(f"""
        import logging
        from pathlib import Path
        from pos_app.host import logs
        client = logging.getLogger("pos_app.levelup.client")
        logs.configure(logging.WARNING)
        logs.log_to_files(Path({str(tmp_path)!r}))
        print(client.isEnabledFor(logging.DEBUG), client.isEnabledFor(logging.INFO))
        logs.configure(logging.DEBUG)
        print(client.isEnabledFor(logging.DEBUG))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.split() == ["False", "True", "True"], result.stderr


def test_a_crash_handler_that_cannot_write_its_report_still_says_it_all(tmp_path):
    """Red team D6: on a full disk the handler itself must not fail, nor leave an empty
    report; the (masked) report goes to standard error."""
    script = textwrap.dedent(f"""
        import errno, os
        from pathlib import Path
        from pos_app.host import logs
        real = os.open
        def full(path, *args, **kwargs):
            if "crash-" in str(path):
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(path, *args, **kwargs)
        os.open = full
        logs.install_crash_handler(Path({str(tmp_path)!r}))
        raise SystemError("boom {LU}")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode != 0
    assert "Error in sys.excepthook" not in result.stderr
    assert "could not be written" in result.stderr and "No space left" in result.stderr
    assert "SystemError: boom" in result.stderr and LU not in result.stderr
    assert list(tmp_path.glob("crash-*")) == []


def test_the_log_and_the_journal_are_private_whatever_the_umask(tmp_path):
    """Red team D14: a data directory made 0755 beforehand, under umask 000."""
    from cryptography.fernet import Fernet

    from pos_app.host.paths import Paths
    from pos_app.journal import SqliteJournal

    data = tmp_path / "register"
    data.mkdir(mode=0o755)
    before = os.umask(0)
    try:
        paths = Paths(data).create()
        log = logs.log_to_files(paths.log_dir)
        logging.getLogger("pos_app.test").warning("a line")
        SqliteJournal(paths.journal_file, Fernet.generate_key(), "3").close()
    finally:
        os.umask(before)
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "baseFilename", "") == str(log)]:
            root.removeHandler(handler)
            handler.close()
    for path in (data, paths.log_dir):
        assert path.stat().st_mode & 0o777 == 0o700, path
    for path in (log, *data.glob("journal.sqlite3*")):
        assert path.stat().st_mode & 0o077 == 0, path
