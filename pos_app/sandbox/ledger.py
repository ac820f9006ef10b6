"""The sandbox's LevelUp: accounts, orders and money, with the rules of the v15 pages.

:class:`Ledger` holds the state behind one lock and answers each endpoint's question with a
typed response from :mod:`pos_app.levelup.payloads`, or raises :class:`Rejection` with the
status and error list LevelUp would send. It knows nothing of HTTP. Money moves as the
completed-orders page says: the merchant-funded discount first, then gift card credit, then
the card on file; a refund puts every part back.
"""

from __future__ import annotations

import secrets
import string
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from pos_app.domain import percent_of
from pos_app.host.files import write_atomically
from pos_app.levelup import qr
from pos_app.levelup.payloads import (
    AccessToken,
    AccessTokenRequest,
    CompletedOrder,
    CompletedOrderRequest,
    DetachedRefund,
    DetachedRefundRequest,
    ErrorObject,
    GiftCardCredit,
    Location,
    MerchantOrder,
    ProposedOrder,
    ProposedOrderRequest,
)
from pos_app.sandbox.records import (
    CustomerRecord,
    DetachedRefundRecord,
    LocationRecord,
    MerchantRecord,
    NewCustomer,
    OrderRecord,
    ProposedOrderRecord,
    SandboxState,
)

PAGE_SIZE = 10
"""Orders per page of ``GET /v14/locations/:id/orders``."""

MAX_TIP_PERCENT = 100
"""LevelUp's ``qr_codes`` endpoint limits ``tip_percent`` to 100."""

BAD_CODE = "We couldn't recognize that as a valid LevelUp Code. Perhaps scan again?"
DECLINED = "Sorry. We cannot charge the credit card at this time."


class Rejection(Exception):
    """LevelUp's answer to a request it does not carry out: a status and its error list.

    ``empty`` sends no body at all (refund 404, detached refund and listing 401s);
    ``bad_token`` marks a 401 for a missing or invalid token (it gets ``WWW-Authenticate``).
    """

    def __init__(
        self, status: int, *errors: ErrorObject, empty: bool = False, bad_token: bool = False
    ) -> None:
        super().__init__(f"{status}: " + "; ".join(f"{e.field}: {e.message}" for e in errors))
        self.status = status
        self.errors = errors
        self.empty = empty
        self.bad_token = bad_token


def error(obj: str, prop: str, message: str, code: str | None = None) -> ErrorObject:
    return ErrorObject(object=obj, property=prop, message=message, code=code)


def _not_authorized(obj: str) -> Rejection:
    return Rejection(
        401,
        error(
            obj,
            "merchant_token",
            f"Not authorized to create {obj}s for this merchant.",
            "not_authorized",
        ),
    )


class Ledger:
    """The server's state and rules. Thread-safe; saves after each change when given a path."""

    def __init__(
        self,
        state: SandboxState,
        path: Path | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._state = state
        self._path = path
        self._clock = clock
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path | None = None) -> Ledger:
        """The state saved at ``path``, or a freshly seeded one (saved there if given)."""
        from pos_app.sandbox.seed import seed_state

        if path is not None and path.exists():
            try:
                state = SandboxState.model_validate_json(path.read_bytes())
            except ValueError as exc:
                raise ValueError(f"{path} is not a sandbox state file: {exc}") from None
            return cls(state, path)
        ledger = cls(seed_state(), path)
        ledger._save()
        return ledger

    def reset(self) -> None:
        """Back to the seeded world (saved to the state file, if there is one)."""
        from pos_app.sandbox.seed import seed_state

        with self._changing():
            self._state = seed_state()

    @contextmanager
    def _changing(self) -> Iterator[SandboxState]:
        with self._lock:
            yield self._state
            self._save()

    def _save(self) -> None:
        if self._path is None:
            return
        write_atomically(self._path, self._state.model_dump_json().encode())

    # ----- merchants, locations, customers ------------------------------------------------

    def merchant_for_token(self, token: str) -> MerchantRecord | None:
        with self._lock:
            return next((m for m in self._state.merchants if m.access_token == token), None)

    def login(self, request: AccessTokenRequest) -> AccessToken:
        api_key = request.api_key.get_secret_value()
        with self._lock:
            known = [m for m in self._state.merchants if m.api_key == api_key]
            if not known:
                raise Rejection(422, error("access_token", "api_key", "Api key is invalid."))
            password = request.password.get_secret_value()
            for merchant in known:
                if merchant.username.lower() == request.username.lower() and secrets.compare_digest(
                    merchant.password, password
                ):
                    return AccessToken(
                        token=SecretStr(merchant.access_token),
                        app_id=merchant.app_id,
                        merchant_id=merchant.id,
                        user_id=merchant.user_id,
                    )
        raise Rejection(
            422,
            error(
                "access_token", "base", "The email address or password you provided is incorrect."
            ),
        )

    def _location(self, location_id: int) -> tuple[MerchantRecord, LocationRecord] | None:
        for merchant in self._state.merchants:
            for location in merchant.locations:
                if location.id == location_id:
                    return merchant, location
        return None

    def managed_locations(self, merchant: MerchantRecord) -> list[Location]:
        return [_location_view(merchant, location) for location in merchant.locations]

    def location(self, location_id: int) -> Location:
        with self._lock:
            found = self._location(location_id)
        if found is None:
            raise Rejection(404, error("location", "id", "Location not found.", "not_found"))
        return _location_view(*found)

    def _own_location(self, merchant: MerchantRecord, location_id: int, obj: str) -> None:
        found = self._location(location_id)
        if found is None:
            raise Rejection(422, error(obj, "location_id", "Location can't be blank", "not_found"))
        if found[0].id != merchant.id:
            raise _not_authorized(obj)

    def _customer_for_code(self, text: str, obj: str) -> CustomerRecord:
        try:
            code = qr.parse(text)
        except qr.InvalidPaymentCode:
            raise Rejection(422, error(obj, "base", BAD_CODE)) from None
        if isinstance(code.tip, qr.PercentTip) and code.tip.percent > MAX_TIP_PERCENT:
            raise Rejection(
                422, error(obj, "payment_token_data", "Payment preferences are invalid.", "invalid")
            )
        token = code.data[4:24]
        for customer in self._state.customers:
            if customer.token == token:
                return customer
        raise Rejection(
            422, error(obj, "payment_token_data", "Payment token is invalid.", "invalid")
        )

    # ----- orders ---------------------------------------------------------------------------

    def propose(self, merchant: MerchantRecord, request: ProposedOrderRequest) -> ProposedOrder:
        """Offer the customer's merchant-funded credit as a pre-tax discount (API-NOTES §11.4)."""
        with self._changing() as state:
            self._own_location(merchant, request.location_id, "order")
            customer = self._customer_for_code(
                request.payment_token_data.get_secret_value(), "order"
            )
            _require_spend(request.spend_amount)
            exemption = request.exemption_amount or 0
            eligible = max(0, request.spend_amount - request.tax_amount - exemption)
            proposed = ProposedOrderRecord(
                uuid=uuid.uuid4().hex,
                merchant_id=merchant.id,
                location_id=request.location_id,
                customer_id=customer.id,
                spend_amount=request.spend_amount,
                tax_amount=request.tax_amount,
                exemption_amount=exemption,
                discount_amount=min(customer.discount_amount, eligible),
                created_at=self._clock(),
            )
            state.proposed_orders[proposed.uuid] = proposed
        return ProposedOrder(uuid=proposed.uuid, discount_amount=proposed.discount_amount)

    def complete(self, merchant: MerchantRecord, request: CompletedOrderRequest) -> CompletedOrder:
        """Charge the customer: discount, then gift card, then card (SEED-COMPLETED)."""
        with self._changing() as state:
            self._own_location(merchant, request.location_id, "order")
            code_text = request.payment_token_data.get_secret_value()
            customer = self._customer_for_code(code_text, "order")
            proposed = self._open_proposal(request, customer)
            _require_spend(request.spend_amount)
            discount = abs(request.applied_discount_amount or 0)
            eligible = request.spend_amount - request.tax_amount - (request.exemption_amount or 0)
            _require_discount(discount, proposed, customer, eligible)
            funding = _fund(
                customer,
                due=request.spend_amount - discount,
                tip=_tip(qr.parse(code_text), request.spend_amount, request.tip_amount or 0),
                partial=bool(request.partial_authorization_allowed),
                discount_only=bool(request.discount_only),
            )
            order = OrderRecord(
                uuid=uuid.uuid4().hex,
                proposed_order_uuid=proposed.uuid,
                merchant_id=merchant.id,
                location_id=request.location_id,
                customer_id=customer.id,
                identifier_from_merchant=request.identifier_from_merchant,
                cashier=request.cashier,
                register_name=request.register_name,
                requested_spend_amount=request.spend_amount,
                requested_tip_amount=request.tip_amount or 0,
                spend_amount=discount + funding.gift_spend + funding.card_spend,
                tip_amount=funding.gift_tip + funding.card_tip,
                total_amount=discount + funding.total,
                tax_amount=request.tax_amount,
                exemption_amount=request.exemption_amount or 0,
                discount_amount=discount,
                gift_card_total_amount=funding.gift_spend + funding.gift_tip,
                gift_card_tip_amount=funding.gift_tip,
                card_amount=funding.card_spend + funding.card_tip,
                created_at=self._clock(),
                items=[entry.model_dump(mode="json", exclude_none=True) for entry in request.items]
                if request.items
                else None,
            )
            customer.discount_amount -= discount
            customer.gift_card_amount -= order.gift_card_total_amount
            customer.card_charged_amount += order.card_amount
            proposed.completed_order_uuid = order.uuid
            state.orders[order.uuid] = order
        return CompletedOrder(
            uuid=order.uuid,
            spend_amount=order.spend_amount,
            tip_amount=order.tip_amount,
            total_amount=order.total_amount,
            gift_card_total_amount=order.gift_card_total_amount,
            gift_card_tip_amount=order.gift_card_tip_amount,
        )

    def _open_proposal(
        self, request: CompletedOrderRequest, customer: CustomerRecord
    ) -> ProposedOrderRecord:
        proposed = self._state.proposed_orders.get(request.proposed_order_uuid)
        if proposed is None:
            problem = "is not a proposed order"
        elif proposed.completed_order_uuid is not None:
            problem = "was already completed"
        elif proposed.location_id != request.location_id or proposed.customer_id != customer.id:
            problem = "was proposed for another location or customer"
        else:
            return proposed
        raise Rejection(
            422, error("order", "proposed_order_uuid", f"Proposed order {problem}.", "invalid")
        )

    def refund(
        self, merchant: MerchantRecord, order_uuid: str, manager_confirmation: str | None
    ) -> MerchantOrder:
        """Refund a whole order, giving back its discount, gift card credit, tip and payment."""
        with self._changing() as state:
            order = state.orders.get(order_uuid)
            if order is None or order.merchant_id != merchant.id:
                raise Rejection(404, empty=True)
            _require_confirmation(merchant, manager_confirmation, "refund")
            if order.refunded_at is not None:
                raise Rejection(
                    422,
                    error(
                        "order",
                        "base",
                        "The refund was unsuccessful. Perhaps this order has already been "
                        "refunded or was unsuccessful.",
                    ),
                )
            customer = self._customer(order.customer_id)
            customer.discount_amount += order.discount_amount
            customer.gift_card_amount += order.gift_card_total_amount
            customer.card_charged_amount -= order.card_amount
            order.refunded_at = self._clock()
            return self._order_view(order)

    def gift_card_credit(
        self, merchant: MerchantRecord, location_id: int, code_text: str
    ) -> GiftCardCredit:
        with self._lock:
            found = self._location(location_id)
            if found is None or found[0].id != merchant.id:
                raise Rejection(401, empty=True)
            try:
                customer = self._customer_for_code(code_text, "merchant_funded_gift_card_credit")
            except Rejection:
                raise Rejection(404, empty=True) from None
            return GiftCardCredit(total_amount=customer.gift_card_amount)

    def detached_refund(
        self, merchant: MerchantRecord, request: DetachedRefundRequest
    ) -> DetachedRefund:
        """Credit a customer without an order: it becomes merchant-funded credit."""
        with self._changing() as state:
            found = self._location(request.location_id)
            if found is None or found[0].id != merchant.id:
                raise Rejection(401, empty=True)
            customer = self._customer_for_code(
                request.payment_token_data.get_secret_value(), "detached_refund"
            )
            secret = request.manager_confirmation
            _require_confirmation(
                merchant, secret.get_secret_value() if secret else None, "detached_refund"
            )
            orders = [
                o
                for o in state.orders.values()
                if o.customer_id == customer.id and o.merchant_id == merchant.id
            ]
            credited = sum(
                r.credit_amount
                for r in state.detached_refunds
                if r.customer_id == customer.id and r.merchant_id == merchant.id
            )
            # What can still be credited: spend not refunded, less credits already given.
            spent = sum(o.spend_amount for o in orders if o.refunded_at is None) - credited
            if not orders:
                raise Rejection(
                    422,
                    error(
                        "detached_refund",
                        "base",
                        f"You can't refund {customer.display_name} because they've never "
                        f"transacted at {merchant.name}.",
                    ),
                )
            if request.credit_amount > spent:
                raise Rejection(
                    422,
                    error(
                        "detached_refund",
                        "credit_amount",
                        f"Credit amount cannot be more than {customer.display_name} has ever "
                        f"spent at {merchant.name}.",
                    ),
                )
            record = DetachedRefundRecord(
                merchant_id=merchant.id,
                location_id=request.location_id,
                customer_id=customer.id,
                credit_amount=request.credit_amount,
                cashier=request.cashier,
                register_name=request.register_name,
                identifier_from_merchant=request.identifier_from_merchant,
                customer_facing_reason=request.customer_facing_reason,
                internal_reason=request.internal_reason,
                refunded_at=self._clock(),
            )
            customer.discount_amount += record.credit_amount
            state.detached_refunds.append(record)
        return DetachedRefund(
            credit_amount=record.credit_amount,
            location_id=record.location_id,
            loyalty_id=customer.id,
            refunded_at=record.refunded_at,
            cashier=record.cashier,
            register_name=record.register_name,
            identifier_from_merchant=record.identifier_from_merchant,
            customer_facing_reason=record.customer_facing_reason,
            internal_reason=record.internal_reason,
        )

    def order_details(
        self, merchant: MerchantRecord, merchant_id: int, order_uuid: str
    ) -> MerchantOrder:
        with self._lock:
            if not any(m.id == merchant_id for m in self._state.merchants):
                raise Rejection(404, error("merchant", "id", "Merchant not found."))
            if merchant_id != merchant.id:
                raise _not_authorized("order")
            order = self._state.orders.get(order_uuid)
            if order is None or order.merchant_id != merchant.id:
                raise Rejection(404, error("order", "id", "Order not found."))
            return self._order_view(order, details=True)

    def location_orders(
        self, merchant: MerchantRecord, location_id: int, page: int
    ) -> tuple[list[MerchantOrder], bool]:
        """Page ``page`` (from 1) of the location's orders, newest first, and whether more
        follow."""
        with self._lock:
            found = self._location(location_id)
            if found is None or found[0].id != merchant.id:
                raise Rejection(401, empty=True)
            orders = sorted(
                (o for o in self._state.orders.values() if o.location_id == location_id),
                key=lambda o: o.created_at,
                reverse=True,
            )
            start = (page - 1) * PAGE_SIZE
            chosen = orders[start : start + PAGE_SIZE]
            return [self._order_view(o) for o in chosen], len(orders) > start + PAGE_SIZE

    def _customer(self, customer_id: int) -> CustomerRecord:
        return next(c for c in self._state.customers if c.id == customer_id)

    def _order_view(self, order: OrderRecord, *, details: bool = False) -> MerchantOrder:
        customer = self._customer(order.customer_id)
        merchant = next(m for m in self._state.merchants if m.id == order.merchant_id)
        fields: dict[str, Any] = {
            "uuid": order.uuid,
            "created_at": order.created_at,
            "transacted_at": order.created_at,
            "refunded_at": order.refunded_at,
            "location_id": order.location_id,
            "loyalty_id": customer.id,
            "user_display_name": customer.display_name,
            "identifier_from_merchant": order.identifier_from_merchant,
            "spend_amount": order.spend_amount,
            "tip_amount": order.tip_amount,
            "total_amount": order.total_amount,
            "earn_amount": 0,
            "merchant_funded_credit_amount": order.discount_amount,
        }
        if details:
            fields |= {
                "merchant_id": merchant.id,
                "merchant_name": merchant.name,
                "cashier": order.cashier,
                "register": order.register_name,
                "tax_amount": order.tax_amount,
                "exemption_amount": order.exemption_amount,
                "requested_spend_amount": order.requested_spend_amount,
                "requested_tip_amount": order.requested_tip_amount,
                "requested_total_amount": order.requested_spend_amount + order.requested_tip_amount,
                "items": order.items,
            }
        return MerchantOrder.model_validate(fields)

    # ----- the admin API ------------------------------------------------------------------

    def add_customer(self, profile: NewCustomer) -> CustomerRecord:
        """A new customer with a fresh payment code."""
        with self._changing() as state:
            customer = CustomerRecord(
                id=max((c.id for c in state.customers), default=0) + 1,
                token=_new_token(),
                **profile.model_dump(),
            )
            state.customers.append(customer)
            return customer

    def customers(self) -> list[dict[str, Any]]:
        with self._lock:
            return [c.public() for c in self._state.customers]

    def orders(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                o.model_dump(mode="json", exclude={"items"}) for o in self._state.orders.values()
            ]

    def seed_view(self) -> dict[str, Any]:
        with self._lock:
            merchants = [
                {
                    "id": m.id,
                    "name": m.name,
                    "access_token": m.access_token,
                    "api_key": m.api_key,
                    "username": m.username,
                    "password": m.password,
                    "locations": [{"id": loc.id, "name": loc.name} for loc in m.locations],
                }
                for m in self._state.merchants
            ]
        return {"merchants": merchants, "customers": self.customers()}


class _Funding:
    def __init__(self, gift_spend: int, gift_tip: int, card_spend: int, card_tip: int) -> None:
        self.gift_spend, self.gift_tip = gift_spend, gift_tip
        self.card_spend, self.card_tip = card_spend, card_tip
        self.total = gift_spend + gift_tip + card_spend + card_tip


def _fund(
    customer: CustomerRecord, *, due: int, tip: int, partial: bool, discount_only: bool
) -> _Funding:
    """Pay ``due`` (the spend after the discount) and ``tip`` from gift card credit, then the
    card. With partial authorization, what cannot be funded is left out instead of refused."""
    if discount_only:
        if due and not partial:
            raise Rejection(
                422,
                error(
                    "order",
                    "base",
                    "The discount does not cover this order and partial "
                    "authorization is not allowed.",
                ),
            )
        return _Funding(0, 0, 0, 0)
    gift_spend = min(due, customer.gift_card_amount)
    gift_tip = min(tip, customer.gift_card_amount - gift_spend)
    card_needed = (due - gift_spend) + (tip - gift_tip)
    if not card_needed:
        return _Funding(gift_spend, gift_tip, 0, 0)
    if customer.card and customer.card_declines:
        raise Rejection(422, error("order", "base", DECLINED))
    if customer.card:
        return _Funding(gift_spend, gift_tip, due - gift_spend, tip - gift_tip)
    if not partial:
        raise Rejection(
            422,
            error(
                "order",
                "base",
                "This customer has no payment method for the rest of this order.",
                "no_credit_card",
            ),
        )
    return _Funding(gift_spend, gift_tip, 0, 0)


def _tip(code: qr.PaymentCode, spend: int, requested: int) -> int:
    """The customer's tip from their code's preferences; the POS's ``tip_amount`` when the
    code asks for none."""
    match code.tip:
        case qr.PercentTip(percent) if percent:
            return percent_of(spend, Decimal(percent))
        case qr.CentTip(cents) if cents:
            return cents
    return requested


def _require_spend(spend: int) -> None:
    if spend <= 0:
        raise Rejection(
            422, error("order", "spend_amount", "Spend amount must be greater than 0.", "invalid")
        )


def _require_discount(
    discount: int, proposed: ProposedOrderRecord, customer: CustomerRecord, eligible: int
) -> None:
    """A discount must have been offered, still be the customer's, and come off no more than
    the spend less tax and exemptions (credit never pays tax)."""
    if discount > proposed.discount_amount:
        problem = f"cannot be more than the {proposed.discount_amount} cents offered"
    elif discount > customer.discount_amount:
        problem = "is no longer available to this customer"
    elif discount > max(0, eligible):
        problem = "cannot be more than the spend less tax and exemptions"
    else:
        return
    raise Rejection(
        422, error("order", "applied_discount_amount", f"Applied discount {problem}.", "invalid")
    )


def _require_confirmation(merchant: MerchantRecord, given: str | None, obj: str) -> None:
    expected = merchant.manager_confirmation
    if expected is not None and not secrets.compare_digest(expected, given or ""):
        raise Rejection(
            422, error(obj, "manager_confirmation", "Manager confirmation was incorrect.")
        )


def _location_view(merchant: MerchantRecord, location: LocationRecord) -> Location:
    return Location(
        id=location.id,
        name=location.name,
        merchant_id=merchant.id,
        merchant_name=merchant.name,
        address=location.address,
        pos_location_identifier=location.pos_location_identifier,
        tip_preference=location.tip_preference,
    )


def _new_token() -> str:
    alphabet = string.digits + string.ascii_uppercase
    return "".join(secrets.choice(alphabet) for _ in range(qr.TOKEN_LENGTH))
