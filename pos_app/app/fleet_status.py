"""A register's health in one document, for fleet tools (``levelup-pos status --json``).

Read while the register runs, without its writer lock: the journal is only read (no payment
code is opened), LevelUp is asked one harmless question (the location) with short timeouts,
and the store server one count. Every part that cannot be known says why instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

from pos_app import __version__
from pos_app.host.build import build_info
from pos_app.host.paths import Paths
from pos_app.host.settings import Settings

PROBE_SECONDS = 5.0
"""The most LevelUp or the store server may take to answer the status's one question."""


def running_register(paths: Paths) -> dict[str, Any] | None:
    """Who holds the data directory's writer lock (``register.owner``), if that process lives."""
    try:
        owner = json.loads(paths.data_dir.joinpath("register.owner").read_text(encoding="utf-8"))
        pid = int(owner["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not process_alive(pid):
        return None
    return {"pid": pid, "what": owner.get("what", ""), "since": owner.get("since", "")}


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (an ended one its parent has not reaped does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another account's process: it lives
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (not Linux): it answered the signal, so it lives
    return state not in ("Z", "X")


def register_status(paths: Paths, config: Settings) -> dict[str, Any]:
    """The document: version, register, LevelUp, payments, devices, store server, last Z."""
    document: dict[str, Any] = {
        "version": __version__,
        "build": build_info(),
        "register": config.register_.id,
        "data_dir": str(paths.data_dir),
        "running": running_register(paths),
        "levelup": _levelup(paths, config),
        "scanner": {"url": config.scanner.url or None},
        "store": None,
    }
    document.update(_journal(paths, config))
    journal_id, last_seq = document.pop("_journal")
    if config.store.url:
        document["store"] = _store(paths, config, journal_id, last_seq)
    problems = [
        *(["LevelUp is not reachable"] if document["levelup"]["reachable"] is False else []),
        *(["payments are not finished"] if document["payments"]["unfinished"] else []),
        *(["receipts wait for the printer"] if document["printer"]["waiting"] else []),
        *([f"store server: {document['store']['problem']}"] if _store_problem(document) else []),
    ]
    document["problems"] = problems
    document["ok"] = not problems
    return document


def _store_problem(document: Mapping[str, Any]) -> bool:
    return bool(document["store"] and document["store"]["problem"])


def _levelup(paths: Paths, config: Settings) -> dict[str, Any]:
    from pydantic import SecretStr

    from pos_app.host.secrets import MERCHANT_TOKEN, SecretStoreError, open_secret_store
    from pos_app.host.setting_sections import EMBEDDED
    from pos_app.levelup.client import ClientConfig, LevelUpClient
    from pos_app.levelup.errors import LevelUpError

    url, location = config.levelup.base_url, config.levelup.location_id
    found: dict[str, Any] = {"url": url, "location": location, "reachable": None, "problem": ""}
    if url == EMBEDDED or location is None:
        found["problem"] = (
            "a demo register (its sandbox runs inside it)"
            if url == EMBEDDED
            else ("not set up (no location)")
        )
        return found
    try:
        token = open_secret_store(paths.data_dir).get(MERCHANT_TOKEN)
    except SecretStoreError as error:
        found["problem"] = str(error)
        return found
    if token is None:
        found["problem"] = "not signed in to LevelUp (no merchant token)"
        return found
    client = LevelUpClient(
        ClientConfig(
            base_url=url,
            merchant_token=SecretStr(token),
            deadline=PROBE_SECONDS,
            retries=0,
            connect_timeout=PROBE_SECONDS,
            read_timeout=PROBE_SECONDS,
        )
    )
    with closing(client):
        try:
            client.location(location)
        except LevelUpError as error:
            found.update(reachable=False, problem=error.cashier_message)
        else:
            found["reachable"] = True
    return found


def _journal(paths: Paths, config: Settings) -> dict[str, Any]:
    """Payments unfinished, receipts waiting and the last Z report, from the journal."""
    from pos_app.app.journals import open_journal
    from pos_app.engine.days import closed_days
    from pos_app.engine.model import unfinished
    from pos_app.journal.receipts import ReceiptJobs

    printer: dict[str, Any] = {"url": config.printer.url, "waiting": 0, "problem": ""}
    empty = {"unfinished": 0, "by_status": {}}
    if not paths.journal_file.exists():
        return {"payments": empty, "printer": printer, "last_z_report": None, "_journal": ("", 0)}
    with closing(open_journal(paths, terminal_id="status", codes=False)) as journal:
        waiting = unfinished(journal.unsettled())
        prints = ReceiptJobs(journal).pending_prints()
        days = closed_days(journal)
        identity = (journal.journal_id(), journal.last_seq())
    printer.update(waiting=len(prints), problem=prints[-1].last_problem if prints else "")
    last = days[-1] if days else None
    return {
        "payments": {
            "unfinished": sum(waiting.values()),
            "by_status": {status.value: count for status, count in sorted(waiting.items())},
        },
        "printer": printer,
        "last_z_report": None
        if last is None
        else {"day": last.day.isoformat(), "number": last.number, "at": last.at.isoformat()},
        "_journal": identity,
    }


def _store(paths: Paths, config: Settings, journal_id: str, last_seq: int) -> dict[str, Any]:
    """How many of the journal's events the store server does not hold yet."""
    from pos_app.host.secrets import open_secret_store
    from pos_app.store.connect import configured_store
    from pos_app.store.events import RegisterKey, shipped_seq

    found: dict[str, Any] = {"lag_events": None, "problem": ""}
    try:
        key = RegisterKey(
            config.levelup.merchant_id or 0,
            config.levelup.location_id or 0,
            config.register_.id,
            journal_id,
        )
        database = configured_store(config, open_secret_store(paths.data_dir))
        try:
            found["lag_events"] = max(0, last_seq - shipped_seq(database, key))
        finally:
            database.dispose()
    except Exception as error:
        found["problem"] = str(error) or type(error).__name__
    return found
