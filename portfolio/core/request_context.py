"""Who is asking, for the audit log, without passing the request through the domain.

A small middleware records the client address and user agent of each request in a context variable for as
long as the request is served; `audit_record` reads it. Services take domain arguments only and behave the
same when called from a task or a command, where there is no request and the entry records no address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from portfolio.core.client import client_ip


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str


_current: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def request_context() -> RequestContext | None:
    """The context of the request being served, or None in a task, a command or a test without one."""
    return _current.get()


def request_context_of(request: HttpRequest) -> RequestContext:
    return RequestContext(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:512])


@contextmanager
def request_context_set(context: RequestContext | None) -> Iterator[None]:
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def request_context_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        with request_context_set(request_context_of(request)):
            return get_response(request)

    return middleware
