"""The demo world a fresh sandbox starts with: a café, its two registers' location, a second
merchant (to try someone else's location), and a customer for every funding profile.

Codes and credentials are fixed, so demos, documentation and support scripts can name them.
"""

from __future__ import annotations

import hashlib

from pos_app.sandbox.records import (
    AppRecord,
    CustomerRecord,
    LocationRecord,
    MerchantRecord,
    SandboxState,
)

DEMO_API_KEY = "levelup-pos-demo-api-key"
DEMO_USERNAME = "manager@demo-cafe.example"
DEMO_PASSWORD = "demo-password"
DEMO_LOCATION_ID = 19
DEMO_APP_ID = 1
DEMO_CLIENT_SECRET = "levelup-pos-demo-client-secret"

# (name, card, card declines, gift card, discount credit, tip percent, tip cents)
_CUSTOMERS: list[tuple[str, bool, bool, int, int, int | None, int | None]] = [
    ("Ada Card", True, False, 0, 0, None, None),
    ("Ben Discount", True, False, 0, 500, None, None),
    ("Cora Giftcard", False, False, 500, 0, None, None),
    ("Dev Giftcard-and-card", True, False, 2000, 300, None, None),
    ("Eve Loyalty-only", False, False, 0, 200, None, None),
    ("Finn Declined", True, True, 0, 0, None, None),
    ("Gia Tips-fifteen", True, False, 0, 0, 15, None),
    ("Hal Tips-a-dollar", True, False, 0, 0, None, 100),
]


def _token(merchant_id: int, name: str) -> str:
    """A merchant token of LevelUp's shape, ``<id>-<hex>``, the same on every start."""
    return f"{merchant_id}-{hashlib.sha256(name.encode()).hexdigest()}"


def _email(name: str) -> str:
    """``ada.card@customers.example`` for Ada Card: a fixed address scripts can name."""
    return name.lower().replace(" ", ".") + "@customers.example"


def seed_state() -> SandboxState:
    app = AppRecord(
        id=DEMO_APP_ID,
        name="LevelUp POS",
        api_key=DEMO_API_KEY,
        client_secret=DEMO_CLIENT_SECRET,
        access_token=_token(DEMO_APP_ID, "levelup-pos-app"),
    )
    merchants = [
        MerchantRecord(
            id=1,
            name="Demo Café",
            api_key=DEMO_API_KEY,
            username=DEMO_USERNAME,
            password=DEMO_PASSWORD,
            access_token=_token(1, "demo-cafe"),
            user_id=101,
            locations=[
                LocationRecord(
                    id=DEMO_LOCATION_ID,
                    name="Demo Café, Main Street",
                    address="1 Main Street, Boston, MA 02110",
                    tip_preference="expected",
                    pos_location_identifier="main-street",
                ),
                LocationRecord(id=20, name="Demo Café, Harbour", address="2 Harbour Way"),
            ],
        ),
        MerchantRecord(
            id=2,
            name="Other Merchant",
            api_key="other-merchant-api-key",
            username="owner@other-merchant.example",
            password="other-password",
            access_token=_token(2, "other-merchant"),
            user_id=102,
            manager_confirmation="87168",
            locations=[LocationRecord(id=30, name="Other Merchant HQ")],
        ),
    ]
    customers = [
        CustomerRecord(
            id=number,
            name=name,
            token=f"DEMO{number:016d}",
            color=number % 10,
            card=card,
            card_declines=declines,
            gift_card_amount=gift,
            discount_amount=discount,
            tip_percent=tip_percent,
            tip_amount=tip_amount,
            email=_email(name),
            access_token=_token(1000 + number, name),
        )
        for number, (name, card, declines, gift, discount, tip_percent, tip_amount) in enumerate(
            _CUSTOMERS, start=1
        )
    ]
    return SandboxState(merchants=merchants, customers=customers, apps=[app])
