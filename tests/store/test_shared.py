"""The store server's staff, catalog and store-wide settings: every change needs an admin
checked against the server's own hashes (the first ones imported from a register, approved by
its own admin), is one transaction with its audit row, and the audit holds no PIN or hash."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from pos_app.engine.staff import MAX_FAILURES, AccessDenied, Role, StaffMember
from pos_app.host.settings import SettingsError
from pos_app.journal import SqliteJournal
from pos_app.journal.staff import SqliteStaff
from pos_app.store.schema import audit
from pos_app.store.shared import (
    REFUSED,
    AdminPin,
    add_staff,
    audit_entries,
    disable_staff,
    import_staff,
    put_catalog,
    set_setting,
    shared_copy,
)

LOCATION = 19
ADMIN_PIN, CASHIER_PIN, NEW_PIN = "80261973", "57391046", "31415926"
ADA = AdminPin("ada", ADMIN_PIN)
BO = StaffMember("bo", "Bo", Role.CASHIER)


@pytest.fixture
def register(tmp_path):
    journal = SqliteJournal(tmp_path / "journal.sqlite3", Fernet.generate_key(), "1")
    staff = SqliteStaff(journal)
    staff.add("ada", "Ada", Role.ADMIN, ADMIN_PIN)
    staff.add("cal", "Cal", Role.CASHIER, CASHIER_PIN)
    yield staff
    journal.close()


@pytest.fixture
def seeded(store, register):
    import_staff(store, LOCATION, ADA, register.records(), register)
    return store


def audit_count(store) -> int:
    with store.connect() as connection:
        return connection.execute(select(func.count()).select_from(audit)).scalar_one()


def test_an_empty_server_takes_its_first_admins_from_a_register(store, register):
    with pytest.raises(AccessDenied, match="no admin yet"):
        add_staff(store, LOCATION, ADA, StaffMember("bo", "Bo", Role.CASHIER), NEW_PIN)
    with pytest.raises(AccessDenied, match="no admin at this register"):
        import_staff(store, LOCATION, AdminPin("cal", CASHIER_PIN), register.records(), register)
    assert shared_copy(store, LOCATION).staff == ()

    added, kept = import_staff(store, LOCATION, ADA, register.records(), register)
    assert (added, kept) == (["ada", "cal"], [])
    copy = shared_copy(store, LOCATION)
    assert copy.staff == tuple(register.records())  # the hashes, as the register has them
    assert shared_copy(store, LOCATION + 1).staff == ()  # another store has its own staff
    # Importing again adds nothing, and is now approved by the server, not the register.
    assert import_staff(store, LOCATION, ADA, register.records(), register) == ([], ["ada", "cal"])


def test_changes_need_an_admin_of_the_server_and_are_audited(seeded):
    with pytest.raises(AccessDenied, match="Wrong PIN"):
        add_staff(seeded, LOCATION, AdminPin("ada", "11112222"), BO, NEW_PIN)
    with pytest.raises(AccessDenied, match="no admin"):
        add_staff(seeded, LOCATION, AdminPin("cal", CASHIER_PIN), BO, NEW_PIN)
    assert [m.staff_id for m in shared_copy(seeded, LOCATION).staff] == ["ada", "cal"]

    add_staff(seeded, LOCATION, ADA, StaffMember("bo", "Bo", Role.MANAGER), NEW_PIN)
    with pytest.raises(ValueError, match="already"):
        add_staff(seeded, LOCATION, ADA, BO, NEW_PIN)
    disable_staff(seeded, LOCATION, ADA, "cal")
    staff = {m.staff_id: m for m in shared_copy(seeded, LOCATION).staff}
    assert (staff["bo"].role, staff["bo"].active, staff["cal"].active) == (
        Role.MANAGER,
        True,
        False,
    )

    entries = audit_entries(seeded, LOCATION)
    assert [(e.who, e.what) for e in entries] == [
        ("Ada (ada)", "staff disable"),
        ("Ada (ada)", "staff add"),
        ("Cal (cal)", REFUSED),
        ("Ada (ada)", REFUSED),
        ("Ada (ada)", "staff import"),
    ]
    assert entries[1].data == {"staff_id": "bo", "name": "Bo", "role": "manager"}
    written = json.dumps([e.data for e in entries])
    for secret in (ADMIN_PIN, CASHIER_PIN, NEW_PIN, "scrypt$"):
        assert secret not in written


def test_wrong_admin_pins_lock_the_admin_out(seeded):
    for _ in range(MAX_FAILURES):
        with pytest.raises(AccessDenied, match="Wrong PIN"):
            put_catalog(seeded, LOCATION, AdminPin("ada", "00000000"), "x")
    with pytest.raises(AccessDenied, match="locked out"):
        put_catalog(seeded, LOCATION, ADA, "x")  # even the right PIN, for a while
    assert shared_copy(seeded, LOCATION).catalog is None


def test_the_last_admin_cannot_be_disabled(seeded):
    with pytest.raises(ValueError, match="last admin"):
        disable_staff(seeded, LOCATION, ADA, "ada")
    with pytest.raises(ValueError, match="no staff member"):
        disable_staff(seeded, LOCATION, ADA, "zed")


def test_the_catalog_is_versioned(seeded):
    assert put_catalog(seeded, LOCATION, ADA, "[[items]]\nname = 'Tea'\nprice = 250\n") == 1
    assert put_catalog(seeded, LOCATION, ADA, "[[items]]\nname = 'Tea'\nprice = 275\n") == 2
    catalog = shared_copy(seeded, LOCATION).catalog
    assert catalog is not None and catalog.version == 2 and "275" in catalog.document
    assert audit_entries(seeded, LOCATION)[0].data == {"version": 2, "characters": 35}


def test_only_store_wide_settings_with_valid_values_are_kept(seeded):
    set_setting(seeded, LOCATION, ADA, "register.tax_rate", "6.25")
    set_setting(seeded, LOCATION, ADA, "receipts.footer", "See you soon")
    before = audit_count(seeded)
    for key, value in [("register.id", "7"), ("store.url", "x"), ("printer.url", "none")]:
        with pytest.raises(SettingsError, match="not a store-wide setting"):
            set_setting(seeded, LOCATION, ADA, key, value)
    with pytest.raises(SettingsError, match="tax_rate"):
        set_setting(seeded, LOCATION, ADA, "register.tax_rate", "250")
    assert audit_count(seeded) == before
    set_setting(seeded, LOCATION, ADA, "register.tax_rate", "7")
    set_setting(seeded, LOCATION, ADA, "receipts.footer", None)
    assert shared_copy(seeded, LOCATION).settings == {"register.tax_rate": "7"}
    assert audit_entries(seeded, LOCATION)[1].data == {
        "key": "register.tax_rate",
        "value": "7",
        "was": "6.25",
    }


def test_no_pin_or_hash_in_what_is_shown(register):
    record = register.records()[0]
    assert "scrypt" not in repr(record) and record.pin_hash.startswith("scrypt$")
    assert ADMIN_PIN not in repr(ADA)
