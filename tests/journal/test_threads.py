"""The journal's database used from several threads at once (the lanes and the print queue)."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from pos_app.journal.opening import open_database


def test_a_read_on_another_thread_does_not_undo_a_write_in_progress(tmp_path: Path) -> None:
    # With one connection shared by every thread, the reader's end of its connection rolled
    # back the writer's open transaction: the first row was lost without an error.
    database = open_database(tmp_path / "journal.sqlite3")
    with database.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    first_written, read = threading.Event(), threading.Event()

    def write() -> None:
        with database.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))
            first_written.set()
            assert read.wait(5)
            connection.execute(text("INSERT INTO t VALUES (2)"))

    def read_meanwhile() -> None:
        assert first_written.wait(5)
        with database.connect() as connection:
            connection.execute(text("SELECT count(*) FROM t")).scalar()
        read.set()

    threads = [threading.Thread(target=write), threading.Thread(target=read_meanwhile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    with database.connect() as connection:
        assert connection.execute(text("SELECT x FROM t ORDER BY x")).scalars().all() == [1, 2]
    database.dispose()
