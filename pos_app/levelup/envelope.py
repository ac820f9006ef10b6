"""What every v15 body is made of: strict field types, the one-key envelope, safe validation.

:class:`Body` is the base of every body in :mod:`pos_app.levelup.wire`: frozen, unknown fields
ignored, and :meth:`Body.parse` raising :class:`InvalidPayload`, which never holds the input.
:class:`Request` and :class:`Response` add the envelope LevelUp wraps each body in. The field
types (:data:`Amount`, :data:`Id`, :data:`Secret`, ...) carry LevelUp's own limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    Strict,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails

from pos_app.domain.identifiers import MAX_IDENTIFIER_LENGTH
from pos_app.domain.money import MAX_CENTS

Amount = Annotated[int, Strict(), Field(ge=0, le=MAX_CENTS)]
"""Cents, as LevelUp carries them: a JSON integer, never a string, float or boolean."""

Id = Annotated[int, Strict(), Field(ge=1)]
Flag = Annotated[bool, Strict()]
Secret = Annotated[
    SecretStr,
    Field(min_length=1),
    PlainSerializer(lambda s: s.get_secret_value(), return_type=str, when_used="json"),
]
ShortText = Annotated[str, StringConstraints(max_length=255)]
LongText = Annotated[str, StringConstraints(max_length=1000)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=MAX_IDENTIFIER_LENGTH)]


class InvalidPayload(ValueError):
    """A body that does not fit its model. ``errors`` is pydantic's list without the input
    values, since a body may hold a payment code or a password."""

    def __init__(self, model: str, errors: list[ErrorDetails]) -> None:
        self.errors = errors
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'body'}: {e['msg']}" for e in errors
        )
        super().__init__(f"{model}: {problems}")


class Body(BaseModel):
    """Base of all bodies. ``register`` is spelt ``register_name`` in Python: pydantic models
    already have a ``register`` (from ``abc``)."""

    model_config = ConfigDict(
        extra="ignore", frozen=True, hide_input_in_errors=True, populate_by_name=True
    )

    nullable: ClassVar[frozenset[str]] = frozenset()
    """Top-level fields sent even when ``None`` (LevelUp requires the key)."""

    @classmethod
    def parse(cls, data: object) -> Self:
        """Validate ``data``; raises :class:`InvalidPayload`, which never holds the input."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors(include_input=False, include_url=False, include_context=False)
            raise InvalidPayload(cls.__name__, errors) from None

    def to_json_dict(self) -> dict[str, Any]:
        """The fields as JSON values, ``None`` left out except for :attr:`nullable` ones."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        for name in self.nullable:
            data.setdefault(name, None)
        return data


class Request(Body):
    """A request body; ``envelope`` is the key LevelUp wraps it in."""

    envelope: ClassVar[str]

    def to_body(self) -> dict[str, Any]:
        """The JSON-ready body, envelope included, credentials in clear: for the wire only."""
        return {self.envelope: self.to_json_dict()}

    @classmethod
    def from_body(cls, body: object) -> Self:
        """Parse ``{envelope: {...}}``; raises ``ValueError`` on any other shape."""
        return cls.parse(unwrap(body, cls.envelope))


class Response(Body):
    """A response body; ``envelope`` is the key LevelUp wraps it in."""

    envelope: ClassVar[str]

    @classmethod
    def from_body(cls, body: object) -> Self:
        """Parse ``{envelope: {...}}``; raises ``ValueError`` on any other shape."""
        return cls.parse(unwrap(body, cls.envelope))

    @classmethod
    def list_from_body(cls, body: object) -> list[Self]:
        """Parse a list of envelopes, ``[{envelope: {...}}, ...]``."""
        if not isinstance(body, list):
            raise ValueError(f"Expected a list of {cls.envelope!r} objects.")
        return [cls.from_body(entry) for entry in body]

    def to_body(self) -> dict[str, Any]:
        """The JSON-ready body, envelope included (the sandbox answers with it)."""
        return {self.envelope: self.to_json_dict()}


def unwrap(body: object, envelope: str) -> object:
    """The object inside ``{envelope: {...}}``; ``ValueError`` on any other shape."""
    if not isinstance(body, Mapping) or envelope not in body:
        raise ValueError(f"Expected a JSON object with the key {envelope!r}.")
    return body[envelope]
