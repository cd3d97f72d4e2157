"""Where the current write or read comes from, for audit records.

Set once per request by ``RequestContextMiddleware`` and once per management command by
``command_context``; actions read it through ``current()`` instead of threading the request
through every call.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    source: str  # "web", "api", "admin", "command:<name>", "system"
    ip: str | None = None
    user_agent: str = ""


_SYSTEM = RequestContext(source="system")
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "grassroots_request", default=_SYSTEM
)


def current() -> RequestContext:
    return _current.get()


@contextmanager
def use(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def command_context(name: str) -> AbstractContextManager[RequestContext]:
    return use(RequestContext(source=f"command:{name}"))
