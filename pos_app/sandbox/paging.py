"""LevelUp's paging: ``?page=N`` from 1, a ``Link: <…>; rel="next"`` header while more
follow, and 204 No Content past the end."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pos_app.sandbox.rejections import Rejection, error


def page_of(request: Request, obj: str) -> int:
    """The page asked for; 422 for anything but a whole number from 1."""
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 0
    if page < 1:
        raise Rejection(422, error(obj, "page", "Page must be a whole number from 1."))
    return page


def paged(request: Request, page: int, entries: list[Any], more: bool) -> Response:
    if not entries:
        return Response(status_code=204)
    headers = {}
    if more:
        headers["Link"] = f'<{request.url.include_query_params(page=page + 1)}>; rel="next"'
    return JSONResponse(entries, headers=headers)
