"""The one place the command line turns errors into messages and exit statuses."""

import argparse
import importlib
import io
from pathlib import Path

import pytest

from pos_app import cli
from pos_app.cli._common import Command, CommandError, ExitCode
from pos_app.host.instance import WriterLock
from pos_app.host.paths import resolve_paths

CLI = Path(cli.__file__).parent


def test_the_statuses_keep_their_numbers():
    """Installer scripts test them by number (installer/linux/pending-check.sh,
    installer/ci-rollout.sh)."""
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "FAILED": 1,
        "USAGE": 2,
        "STILL_UNKNOWN": 3,
        "PENDING": 4,
        "STILL_RUNNING": 5,
        "WRONG_ACCOUNT": 6,
    }


@pytest.mark.parametrize(("module", "name"), cli.EXPECTED)
def test_every_expected_error_names_a_real_exception(module, name):
    """The handler finds them by name (so that importing the command line loads no database
    or HTTP library): a rename must not go unnoticed."""
    found = getattr(importlib.import_module(module), name)
    assert isinstance(found, type) and issubclass(found, Exception)


def run(command, *, stopped=None):
    def body(args, environ, out, err):
        return command()

    err = io.StringIO()
    status = cli._run(
        Command("demo", body, stopped=stopped), argparse.Namespace(), {}, io.StringIO(), err
    )
    return status, err.getvalue()


def raising(exc):
    def command():
        raise exc

    return command


def test_a_command_error_says_why_with_its_status():
    assert run(raising(CommandError("no such thing."))) == (1, "levelup-pos demo: no such thing.\n")
    usage = CommandError("--checks must be at least 1.", status=ExitCode.USAGE)
    assert run(raising(usage)) == (2, "levelup-pos demo: --checks must be at least 1.\n")


def test_a_levelup_error_says_what_the_cashier_would_be_told_then_the_detail():
    from pos_app.levelup.errors import LevelUpError

    status, err = run(raising(LevelUpError("GET /v15/x: refused", cashier_message="Try later.")))
    assert status == 1
    assert err == "levelup-pos demo: Try later.\n  GET /v15/x: refused\n"


def test_the_projects_expected_errors_fail_with_their_message(tmp_path):
    from pos_app.journal import JournalUnusable

    assert run(raising(JournalUnusable("j is damaged."))) == (
        1,
        "levelup-pos demo: j is damaged.\n",
    )
    paths = resolve_paths(tmp_path, {}).create()
    held = WriterLock(paths, "the register window").acquire()
    try:
        status, err = run(WriterLock(paths, "levelup-pos demo").acquire)
    finally:
        held.release()
    assert status == 1 and err.startswith("levelup-pos demo: ") and "in use by" in err


def test_anything_else_is_a_bug_and_keeps_its_traceback():
    with pytest.raises(ZeroDivisionError):
        run(lambda: 1 // 0)
    with pytest.raises(ValueError, match="plain"):
        run(raising(ValueError("plain")))


def test_ctrl_c_ends_only_a_command_that_expects_it():
    status, err = run(raising(KeyboardInterrupt()), stopped=ExitCode.STILL_UNKNOWN)
    assert status == 3
    assert err == "levelup-pos demo: stopped; run it again to finish.\n"
    with pytest.raises(KeyboardInterrupt):
        run(raising(KeyboardInterrupt()))


def test_recover_is_stopped_with_still_unknown():
    recover = cli._parser().parse_args(["recover"]).command
    assert recover.name == "recover" and recover.stopped == ExitCode.STILL_UNKNOWN


def test_the_bare_command_names_no_command():
    def failing(args, environ, out, err):
        raise CommandError("cannot start.")

    err = io.StringIO()
    command = Command("", failing)
    assert cli._run(command, argparse.Namespace(), {}, io.StringIO(), err) == 1
    assert err.getvalue() == "levelup-pos: cannot start.\n"


def test_no_command_module_is_long():
    lengths = {path.name: len(path.read_text().splitlines()) for path in CLI.glob("*.py")}
    assert max(lengths.values()) <= 400, lengths


def test_a_secret_typed_into_a_command_is_masked_in_its_error_line():
    """Red team D3: a server quoting back the password typed into ``setup``."""
    import argparse
    import io

    from pos_app.cli import _run
    from pos_app.cli._common import Command, CommandError
    from pos_app.host import logs

    def body(args, environ, out, err):
        logs.register_secret("hunter2-password")
        raise CommandError("LevelUp said: bad password hunter2-password")

    err = io.StringIO()
    assert _run(Command("setup", body), argparse.Namespace(), {}, io.StringIO(), err) == 1
    said = err.getvalue()
    assert "hunter2-password" not in said and "***" in said
