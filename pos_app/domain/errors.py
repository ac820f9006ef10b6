"""Errors raised by the domain when asked to build something a register must not hold."""


class DomainError(ValueError):
    """Invalid input to the check model; the message is fit to show a cashier."""


class InvalidAmount(DomainError):
    """An amount that is not whole cents, is negative where it must not be, or overflows."""


class InvalidQuantity(DomainError):
    """A quantity that is not a positive whole number."""


class UnknownTaxClass(DomainError):
    """An item or fee names a tax class the check does not know."""


class InvalidIdentifier(DomainError):
    """An `identifier_from_merchant` that LevelUp would reject."""


class CheckLocked(DomainError):
    """The check has payments in progress or taken, so its contents cannot change."""


class TenderError(DomainError):
    """A tender that does not fit the check (overpayment, unknown tender, nothing due)."""


class IllegalTransition(DomainError):
    """A status change the lifecycle does not allow, or a command the check's or tender's
    state does not allow; nothing was changed."""
