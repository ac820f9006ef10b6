"""How the sandbox says no: LevelUp's status and error list, raised as :class:`Rejection`.

Every area of the :class:`~pos_app.sandbox.Ledger` and the HTTP face raise the same exception;
:mod:`pos_app.sandbox.http` turns it into the answer LevelUp would send.
"""

from __future__ import annotations

from pos_app.levelup.wire import ErrorObject


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


def not_authorized(obj: str) -> Rejection:
    """The 401 for a merchant asking about another merchant's location or order."""
    return Rejection(
        401,
        error(
            obj,
            "merchant_token",
            f"Not authorized to create {obj}s for this merchant.",
            "not_authorized",
        ),
    )


def bad_user_token(obj: str, permission: str | None) -> Rejection:
    """The 401 for a user token that is missing, unknown or lacks ``permission``."""
    return bad_token(obj, "user_token", permission)


def bad_token(obj: str, prop: str, permission: str | None = None) -> Rejection:
    kind = prop.replace("_", " ")
    lacking = f" or lacks {permission}" if permission else ""
    return Rejection(
        401,
        error(
            obj,
            prop,
            f"Not authorized: the {kind} is missing or invalid{lacking}.",
            "not_authorized",
        ),
        bad_token=True,
    )
