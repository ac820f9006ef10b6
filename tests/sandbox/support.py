"""A bare HTTP client for the sandbox's contract tests (not the project's own client)."""

from __future__ import annotations

from typing import Any

import httpx

from pos_app.sandbox import RunningSandbox

LOCATION = 19


class LevelUp:
    """A bare HTTP client for the sandbox, with the seed data at hand."""

    def __init__(self, server: RunningSandbox) -> None:
        self.server = server
        self.http = httpx.Client(
            base_url=server.url, headers={"Accept": "application/json"}, timeout=10
        )
        self.seed: dict[str, Any] = self.http.get("/sandbox/seed").json()
        self.merchant = self.seed["merchants"][0]
        self.other_merchant = self.seed["merchants"][1]
        self.auth = {"Authorization": f'token merchant="{self.merchant["access_token"]}"'}

    def code(self, name: str) -> str:
        """The payment code of the seeded customer whose name starts with ``name``."""
        return self.customer(name)["payment_token_data"]

    def customer(self, name: str) -> dict[str, Any]:
        customers = self.http.get("/sandbox/customers").json()
        return next(c for c in customers if c["name"].startswith(name))

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return self.http.post(path, json=body, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return self.http.get(path, headers=headers, **kwargs)

    def propose(self, code: str, spend: int, tax: int = 0, **fields: Any) -> httpx.Response:
        order = {
            "location_id": LOCATION,
            "payment_token_data": code,
            "spend_amount": spend,
            "tax_amount": tax,
            **fields,
        }
        return self.post("/v15/proposed_orders", {"proposed_order": order})

    def complete(
        self,
        code: str,
        proposed_uuid: str,
        spend: int,
        tax: int = 0,
        discount: int | None = 0,
        **fields: Any,
    ) -> httpx.Response:
        order = {
            "location_id": LOCATION,
            "payment_token_data": code,
            "spend_amount": spend,
            "tax_amount": tax,
            "applied_discount_amount": discount,
            "proposed_order_uuid": proposed_uuid,
            **fields,
        }
        return self.post("/v15/completed_orders", {"completed_order": order})

    def pay(self, code: str, spend: int, tax: int = 0, **fields: Any) -> httpx.Response:
        """Propose, then complete with the offered discount."""
        proposed = self.propose(code, spend, tax, **fields)
        assert proposed.status_code == 200, proposed.text
        body = proposed.json()["proposed_order"]
        return self.complete(code, body["uuid"], spend, tax, body["discount_amount"], **fields)

    def orders(self) -> list[dict[str, Any]]:
        return self.http.get("/sandbox/orders").json()


def errors_of(response: httpx.Response) -> list[tuple[str, str]]:
    """``(object.property, message)`` of each error in a LevelUp error body."""
    return [
        (f"{e['error']['object']}.{e['error']['property']}", e["error"]["message"])
        for e in response.json()
    ]
