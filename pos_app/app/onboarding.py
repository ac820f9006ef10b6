"""Signing a register in to LevelUp: what ``levelup-pos setup`` and the first-run wizard share.

1. :func:`sign_in`: the merchant's API key, username and password become a merchant token (the
   password is used for that one request and kept nowhere), and the merchant's locations are
   read, so that the location is chosen from a list, never typed.
2. :func:`finish`: the chosen location is tested with a real call, then the token goes to the
   secret store and the ids to ``settings.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import SecretStr

from pos_app.host.logs import register_secret
from pos_app.host.paths import Paths
from pos_app.host.secrets import MERCHANT_TOKEN, open_secret_store
from pos_app.host.settings import Settings, set_settings
from pos_app.levelup.client import ClientConfig, LevelUpClient
from pos_app.levelup.wire import Location


class OnboardingError(Exception):
    """The register cannot be signed in as asked; the message says what to do."""


@dataclass(frozen=True)
class SignedIn:
    url: str
    token: SecretStr
    merchant_id: int | None
    locations: list[Location]


def sign_in(url: str, api_key: str, username: str, password: str) -> SignedIn:
    """The merchant's token and locations. Raises :mod:`pos_app.levelup.errors` as LevelUp
    answers, and :class:`OnboardingError` for an account that is not a merchant's."""
    for secret in (api_key, password):
        register_secret(secret)  # masked in any log line or crash report from here on
    with LevelUpClient(ClientConfig(base_url=url, retries=1)) as anonymous:
        token = anonymous.access_token(api_key, username, password)
    register_secret(token.token.get_secret_value())
    if not token.is_merchant:
        raise OnboardingError(f"{username} is not a merchant's LevelUp account.")
    with LevelUpClient(ClientConfig(base_url=url, merchant_token=token.token, retries=1)) as client:
        locations = client.managed_locations()
    if not locations:
        raise OnboardingError("This merchant has no location on LevelUp.")
    return SignedIn(url, token.token, token.merchant_id, locations)


def finish(
    paths: Paths, environ: Mapping[str, str], signed_in: SignedIn, location_id: int
) -> Settings:
    """Test the chosen location, then keep the token and the register's settings."""
    chosen = next((loc for loc in signed_in.locations if loc.id == location_id), None)
    if chosen is None:
        listing = "; ".join(f"{loc.id} ({loc.name})" for loc in signed_in.locations)
        raise OnboardingError(
            f"Location {location_id} is not this merchant's. Choose one of: {listing}."
        )
    config = ClientConfig(base_url=signed_in.url, merchant_token=signed_in.token, retries=1)
    with LevelUpClient(config) as client:
        client.location(chosen.id)  # the test call
    open_secret_store(paths.create().data_dir).set(
        MERCHANT_TOKEN, signed_in.token.get_secret_value()
    )
    return set_settings(
        paths,
        environ,
        {
            "levelup.base_url": signed_in.url,
            "levelup.location_id": str(chosen.id),
            "levelup.merchant_id": str(chosen.merchant_id or signed_in.merchant_id),
            "levelup.enabled": "true",
            "levelup.demo": "false",  # a register first tried as a demo is a real one now
        },
    )


__all__ = [
    "OnboardingError",
    "SignedIn",
    "finish",
    "sign_in",
]
