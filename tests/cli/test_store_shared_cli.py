"""``levelup-pos store staff|catalog|settings|audit`` from a register's data directory against a
throwaway PostgreSQL: the first admin comes from the register, every change after needs a
server admin's PIN, and no PIN or password lands in any output or file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_app.host.paths import Paths
from pos_app.host.secrets import STORE_PASSWORD, open_secret_store
from pos_app.host.settings import set_settings
from pos_app.store.database import init_store, open_store
from tests.cli.test_cli import run

ADMIN_PIN, NEW_PIN = "80261973", "31415926"
GOOD = '[[items]]\nname = "Tea"\nprice = 250\n'


@pytest.fixture
def data_dir(tmp_path, monkeypatch, pg_cluster, store_database):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    url = pg_cluster.url_without_password(store_database)
    database = open_store(url, pg_cluster.password)
    init_store(database)
    database.dispose()
    paths = Paths(tmp_path / "register").create()
    set_settings(paths, {}, {"levelup.location_id": "19", "store.url": url})
    open_secret_store(paths.data_dir).set(STORE_PASSWORD, pg_cluster.password)
    return str(paths.data_dir)


def test_store_staff_catalog_settings_and_audit(
    monkeypatch, capsys, data_dir, tmp_path, pg_cluster
):
    console: list[str] = []

    def store(*argv: str, stdin: str = "") -> tuple[int, str]:
        code, out, err = run(monkeypatch, capsys, *argv, "--data-dir", data_dir, stdin=stdin)
        console.extend([out, err])
        return code, out + err

    assert store("staff", "add", "ada", "Ada", "--role", "admin", stdin=ADMIN_PIN)[0] == 0
    code, said = store(
        "store", "staff", "add", "bo", "Bo", "--admin", "ada", stdin=f"{NEW_PIN}\n{ADMIN_PIN}\n"
    )
    assert code == 1 and "no admin yet" in said
    code, said = store("store", "staff", "import", "--admin", "ada", stdin="11112222\n")
    assert code == 1 and "Wrong PIN" in said
    code, said = store("store", "staff", "import", "--admin", "ada", stdin=ADMIN_PIN)
    assert (code, said) == (0, "added 1 to the store: ada\n")
    add = ("store", "staff", "add", "bo", "Bo", "--role", "manager", "--admin", "ada")
    assert store(*add, stdin=f"{NEW_PIN}\n{ADMIN_PIN}\n")[0] == 0
    code, said = store("store", "staff", "list")
    assert said.split() == ["ada", "admin", "Ada", "bo", "manager", "Bo"]
    code, said = store("store", "staff", "disable", "bo", "--admin", "bo", stdin=NEW_PIN)
    assert code == 1 and "no admin" in said

    bad = tmp_path / "bad.toml"
    bad.write_text('[[items]]\nname = "Tea"\n')
    code, said = store("store", "catalog", "put", str(bad), "--admin", "ada", stdin=ADMIN_PIN)
    assert code == 1 and "items.0.price" in said
    good = tmp_path / "good.toml"
    good.write_text(GOOD)
    code, said = store("store", "catalog", "put", str(good), "--admin", "ada", stdin=ADMIN_PIN)
    assert (code, said) == (0, "The store's catalog is now version 1 (1 items).\n")
    code, said = store("store", "catalog", "show")
    assert said.startswith("# version 1, ") and said.endswith(GOOD)

    code, said = store("store", "settings", "set", "register.id", "3", "--admin", "ada")
    assert code == 1 and "not a store-wide setting" in said  # refused before any PIN is asked
    setting = ("store", "settings", "set", "register.tax_rate", "6.25", "--admin", "ada")
    assert store(*setting, stdin=ADMIN_PIN)[0] == 0
    assert store("store", "settings", "show") == (0, "register.tax_rate = 6.25\n")

    code, said = store("store", "audit")
    lines = said.splitlines()
    assert code == 0 and len(lines) == 7
    assert [line.split()[1:5] for line in lines[:4]] == [
        ["Ada", "(ada)", "settings", "set"],
        ["Ada", "(ada)", "catalog", "put"],
        ["Bo", "(bo)", "admin", "refused"],
        ["Ada", "(ada)", "staff", "add"],
    ]
    assert lines[0].split()[0].endswith("Z")  # UTC
    assert "(unknown id)" in lines[-1] and "no admin yet" in lines[-1]

    written = "".join(console)
    for path in sorted(Path(data_dir).rglob("*")):
        if path.is_file() and path.suffix != ".sqlite3":  # the journal keeps the hashes
            written += path.read_text(errors="replace")
    for secret in (ADMIN_PIN, NEW_PIN, pg_cluster.password):
        assert secret not in written
