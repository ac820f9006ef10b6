"""The LevelUp v15 protocol: bodies, the check → order mapping, the proposed-order calculator,
QR codes, errors.

This face exports the pure names only: nothing here does I/O. The HTTP client
(:mod:`pos_app.levelup.client`) and what it makes of a failed connection
(:mod:`pos_app.levelup.diagnosis`) build on them and are imported from their own modules, so
that importing the protocol never imports httpx.

Inside the package, modules import one another directly, never through this face.
"""

from pos_app.levelup.calculator import (
    AdjustedCheckValues,
    completed_order_values,
    proposed_order_values,
)
from pos_app.levelup.envelope import InvalidPayload, Request, Response
from pos_app.levelup.errors import (
    ApiError,
    AuthenticationError,
    ClientOutdated,
    CodeNotRecognized,
    ConfigurationError,
    InvalidResponse,
    LevelUpError,
    Maintenance,
    NoAnswer,
    NotFoundError,
    OutcomeUnknown,
    PaymentDeclined,
    RequestRejected,
    ServerError,
    TransportError,
    UnexpectedStatus,
    Unreachable,
)
from pos_app.levelup.orders import (
    CustomerToken,
    OrderContext,
    completed_order_request,
    fees_from_check,
    items_from_check,
    proposed_order_request,
)
from pos_app.levelup.qr import (
    CentTip,
    InvalidPaymentCode,
    PaymentCode,
    PercentTip,
    Tip,
    looks_like_payment_code,
)
from pos_app.levelup.redact import redact
from pos_app.levelup.wire import (
    AccessToken,
    AccessTokenRequest,
    CompletedOrder,
    CompletedOrderRequest,
    DetachedRefund,
    DetachedRefundRequest,
    ErrorObject,
    Fee,
    FeeEnvelope,
    GiftCardCredit,
    GiftCardCreditRequest,
    Item,
    ItemEnvelope,
    Location,
    MerchantOrder,
    ProposedOrder,
    ProposedOrderRequest,
    RefundRequest,
    check_receipt_html,
    errors_body,
    parse_errors,
)

PRODUCTION_URL = "https://api.thelevelup.com"
"""LevelUp's own API: where a register that is not a demo sends its calls."""

__all__ = [
    "PRODUCTION_URL",
    "AccessToken",
    "AccessTokenRequest",
    "AdjustedCheckValues",
    "ApiError",
    "AuthenticationError",
    "CentTip",
    "ClientOutdated",
    "CodeNotRecognized",
    "CompletedOrder",
    "CompletedOrderRequest",
    "ConfigurationError",
    "CustomerToken",
    "DetachedRefund",
    "DetachedRefundRequest",
    "ErrorObject",
    "Fee",
    "FeeEnvelope",
    "GiftCardCredit",
    "GiftCardCreditRequest",
    "InvalidPayload",
    "InvalidPaymentCode",
    "InvalidResponse",
    "Item",
    "ItemEnvelope",
    "LevelUpError",
    "Location",
    "Maintenance",
    "MerchantOrder",
    "NoAnswer",
    "NotFoundError",
    "OrderContext",
    "OutcomeUnknown",
    "PaymentCode",
    "PaymentDeclined",
    "PercentTip",
    "ProposedOrder",
    "ProposedOrderRequest",
    "RefundRequest",
    "Request",
    "RequestRejected",
    "Response",
    "ServerError",
    "Tip",
    "TransportError",
    "UnexpectedStatus",
    "Unreachable",
    "check_receipt_html",
    "completed_order_request",
    "completed_order_values",
    "errors_body",
    "fees_from_check",
    "items_from_check",
    "looks_like_payment_code",
    "parse_errors",
    "proposed_order_request",
    "proposed_order_values",
    "redact",
]
