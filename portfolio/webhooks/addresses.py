"""Where webhooks may go: public addresses only, so a provider admin cannot make the server call into the
network it runs in (its database, metadata services, admin consoles)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


def webhook_target_refusal(url: str) -> str | None:
    """Why the server must not call this URL, or None when it may.

    Checked when an endpoint is saved and again before each delivery, since a name can be re-pointed after
    it was saved. WEBHOOK_ALLOW_PRIVATE_TARGETS lifts the rule for a private deployment (and the tests).
    """
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return None
    host = urlsplit(url).hostname or ""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except (socket.gaierror, UnicodeError):
        return f"{host} does not resolve to an address. Check the host name."
    for address in sorted(addresses):
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global:
            return (
                f"{host} resolves to {ip}, a private or internal address: webhooks are sent to public addresses "
                "only. Use the receiver's public URL."
            )
    return None
