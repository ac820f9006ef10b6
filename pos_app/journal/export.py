"""The journal for people and other programs: JSON, CSV, and one check in plain text.

Tender states are named as in DESIGN.md (``APPROVED``, ``PARTIALLY_APPROVED``, ``UNKNOWN``, ...);
kinds are ``levelup``, ``cash``, ``card`` or ``other``. Nothing secret is in the journal's
records, and the export adds nothing: payment codes are kept apart, encrypted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from pos_app.domain import LevelUpDetail, TenderKind, format_cents
from pos_app.engine.model import CheckRecord
from pos_app.journal.store import SqliteJournal

_KIND = {TenderKind.CREDIT: "card", TenderKind.DEBIT: "card"}
TENDER_COLUMNS = [
    "tender_id",
    "kind",
    "card_type",
    "tender_state",
    "amount",
    "tip",
    "discount_amount",
    "gift_card_amount",
    "order_uuid",
    "note",
]
CHECK_COLUMNS = [
    "check_id",
    "identifier_from_merchant",
    "check_state",
    "opened_at",
    "closed_at",
    "grand_total",
    "paid",
    "balance_due",
    "change_due",
]


def check_document(record: CheckRecord) -> dict[str, Any]:
    totals = record.check.totals
    return {
        "id": record.check_id,
        "identifier_from_merchant": record.check.identifier,
        "state": record.state.name,
        "opened_at": record.opened_at.isoformat(),
        "closed_at": record.closed_at.isoformat() if record.closed_at else None,
        "lines": len(record.check.items),
        "subtotal": totals.subtotal,
        "discounts": totals.discounts,
        "tax": totals.tax,
        "fees": totals.fees,
        "grand_total": totals.grand_total,
        "paid": totals.paid,
        "balance_due": totals.balance_due,
        "change_due": totals.change_due,
        "tip": totals.tip,
        "tenders": [
            {
                "id": tender.tender_id,
                "kind": _KIND.get(tender.kind, tender.kind.value),
                "card_type": tender.kind.value if tender.kind in _KIND else None,
                "state": tender.status.name,
                "amount": tender.amount,
                "tip": tender.tip,
                "discount_amount": tender.levelup.discount_amount if tender.levelup else 0,
                "gift_card_amount": _gift_card(tender.levelup),
                "order_uuid": tender.levelup.order_uuid if tender.levelup else None,
                "note": record.info(tender.tender_id).note,
            }
            for tender in record.check.tenders
        ],
    }


def export_document(records: Iterable[CheckRecord]) -> dict[str, Any]:
    return {"checks": [check_document(record) for record in records]}


def export_csv(records: Iterable[CheckRecord]) -> str:
    """One row per tender (a check without tenders gets one row of its own)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CHECK_COLUMNS + TENDER_COLUMNS)
    writer.writeheader()
    for record in records:
        document = check_document(record)
        check = {
            "check_id": document["id"],
            "identifier_from_merchant": document["identifier_from_merchant"],
            "check_state": document["state"],
            **{k: document[k] for k in CHECK_COLUMNS[3:]},
        }
        for tender in document["tenders"] or [None]:
            row = dict(check)
            if tender is not None:
                row |= {
                    "tender_id": tender["id"],
                    "tender_state": tender["state"],
                    **{k: tender[k] for k in TENDER_COLUMNS if k in tender},
                }
            writer.writerow(row)
    return out.getvalue()


def describe(journal: SqliteJournal, record: CheckRecord) -> str:
    """One check in plain text: totals, tenders, and every journaled event."""
    document = check_document(record)
    lines = [
        f"Check {document['identifier_from_merchant']} ({document['id']}): {document['state']}",
        f"  opened {document['opened_at']}"
        + (f", closed {document['closed_at']}" if document["closed_at"] else ""),
        f"  total {format_cents(document['grand_total'])}, paid {format_cents(document['paid'])}"
        f", due {format_cents(document['balance_due'])}, change "
        f"{format_cents(document['change_due'])}, tip {format_cents(document['tip'])}",
        "  tenders:",
    ]
    for tender in document["tenders"]:
        order = f" order {tender['order_uuid']}" if tender["order_uuid"] else ""
        note = f" ({tender['note']})" if tender["note"] else ""
        lines.append(
            f"    {tender['id'][:8]} {tender['kind']:<7} {tender['state']:<18} "
            f"{format_cents(tender['amount']):>9}{order}{note}"
        )
    lines.append("  journal:")
    for event in journal.events_of(record.check_id):
        tender = f" {event['tender_id'][:8]}" if event["tender_id"] else ""
        data = ", ".join(f"{k}={v}" for k, v in event["data"].items())
        lines.append(f"    {event['at'].isoformat()} {event['kind']}{tender} {data}".rstrip())
    return "\n".join(lines)


def _gift_card(detail: LevelUpDetail | None) -> int | None:
    """What the gift card paid; None when LevelUp did not say (a payment settled from its
    merchant view of the order)."""
    if detail is None:
        return 0
    return detail.gift_card_amount if detail.gift_card_known else None
