"""Which reverse proxies are believed, and so where a request really comes from.

`X-Forwarded-For` and `X-Forwarded-Proto` are plain request headers: anyone can send them.
They are believed only when the direct peer (REMOTE_ADDR) is one of the deployment's own
proxies, listed in FRAUDOPS_TRUSTED_PROXIES (addresses or CIDRs; empty, the default, means
no proxy is trusted and both headers are ignored).

The client address is then found by walking `X-Forwarded-For` from the right (each proxy
appends the address it saw), skipping the trusted proxies, and taking the first hop that is
not one. A malformed header or hop is never an error: the whole header is ignored and the
direct peer is the address. See docs/deployment.md.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Headers only a trusted proxy may set; dropped from every other peer's request.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
)


def parse_address(value: str | None) -> IPAddress | None:
    """The address in `value`, or None when it is not exactly one IPv4/IPv6 address."""
    if not value or len(value) > 64:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:  # "fe80::1%eth0": not storable, not a client address
            return None
        # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
        return address.ipv4_mapped or address
    return address


def parse_networks(entries: Iterable[str]) -> tuple[IPNetwork, ...]:
    """FRAUDOPS_TRUSTED_PROXIES as networks; an invalid entry is a configuration error."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"FRAUDOPS_TRUSTED_PROXIES: {entry!r} is not an address or a CIDR."
            ) from exc
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    # The settings and the system check refuse an invalid entry; should one get here anyway,
    # it trusts nothing rather than failing every request.
    networks = []
    for entry in entries:
        try:
            networks.extend(parse_networks([entry]))
        except ImproperlyConfigured:
            continue
    return tuple(networks)


def trusted_networks() -> tuple[IPNetwork, ...]:
    # Keyed on the setting's value, so override_settings in tests takes effect.
    return _networks(tuple(getattr(settings, "FRAUDOPS_TRUSTED_PROXIES", ())))


def is_trusted(address: IPAddress | None) -> bool:
    if address is None:
        return False
    return any(address.version == net.version and address in net for net in trusted_networks())


def peer_is_trusted(request: HttpRequest) -> bool:
    """Whether the direct peer is one of our proxies (so its forwarded headers count)."""
    return is_trusted(parse_address(request.META.get("REMOTE_ADDR")))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as far as the trusted proxies vouch for it (None if unknown)."""
    peer = parse_address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    if not is_trusted(peer):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded or len(forwarded) > 2048:
        return str(peer)
    hops = [hop.strip() for hop in forwarded.split(",")]
    found = peer
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            # A trusted proxy passed on something that is not an address: believe none of it.
            return str(peer)
        found = address
        if not is_trusted(address):
            break
    # Either the first untrusted hop or, when every hop is a proxy of ours, the farthest one.
    return str(found)


class TrustedProxyMiddleware:
    """Drops X-Forwarded-* from peers that are not trusted proxies.

    First in MIDDLEWARE, before SecurityMiddleware: `request.is_secure()` (through
    SECURE_PROXY_SSL_HEADER), CSRF's origin check and anything else reading these headers
    then only see what a trusted proxy wrote.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not peer_is_trusted(request):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


@register()
def check_trusted_proxies(app_configs: object = None, **kwargs: object) -> list[Error]:
    try:
        parse_networks(getattr(settings, "FRAUDOPS_TRUSTED_PROXIES", ()))
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="fraudops.E001")]
    return []
