"""Tax classes: named rates a store charges, applied once per class per check."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from pos_app.domain.errors import DomainError, UnknownTaxClass
from pos_app.domain.money import Cents, percent_of, to_rate


@dataclass(frozen=True)
class TaxClass:
    """A tax rate in percent (``Decimal("8.875")``) under a short code items refer to."""

    code: str
    rate: Decimal
    name: str = ""

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise DomainError("A tax class needs a code.")
        object.__setattr__(self, "rate", to_rate(self.rate, f"The rate of tax class {self.code!r}"))

    def tax_on(self, taxable: Cents) -> Cents:
        """Tax on a taxable amount, rounded half to even to a cent."""
        return percent_of(taxable, self.rate)


@dataclass(frozen=True)
class TaxTable:
    """The tax classes a check can use, looked up by code."""

    classes: tuple[TaxClass, ...] = ()
    _by_code: dict[str, TaxClass] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code: dict[str, TaxClass] = {}
        for tax_class in self.classes:
            if tax_class.code in by_code:
                raise DomainError(f"Tax class {tax_class.code!r} is defined twice.")
            by_code[tax_class.code] = tax_class
        object.__setattr__(self, "_by_code", by_code)

    @classmethod
    def of(cls, *classes: TaxClass) -> TaxTable:
        return cls(tuple(classes))

    def get(self, code: str) -> TaxClass:
        try:
            return self._by_code[code]
        except KeyError:
            known = ", ".join(sorted(self._by_code)) or "none"
            raise UnknownTaxClass(f"Unknown tax class {code!r} (known: {known}).") from None

    def require(self, codes: Iterable[str | None]) -> None:
        """Raise :class:`UnknownTaxClass` unless every non-empty code is known."""
        for code in codes:
            if code is not None:
                self.get(code)

    def __iter__(self) -> Iterator[TaxClass]:
        return iter(self.classes)
