"""The domain's own autoconfig file, in Mozilla's ISPDB format (``config-v1.1.xml``).

Thunderbird asks ``autoconfig.<domain>/mail/config-v1.1.xml`` and
``<domain>/.well-known/autoconfig/mail/config-v1.1.xml``; so do we (:data:`DEFAULT_URLS`), and read
the first POP3 ``incomingServer`` and the first SMTP ``outgoingServer``. The XML is parsed with
defusedxml, which refuses DTDs and entity declarations (no "billion laughs", no external
entities), and the reply is cut at :data:`MAX_BYTES`. An answer over HTTPS is the domain's own
word; over plain HTTP anyone on the path could have written it, so it counts for less.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from app.core.discovery.result import Confidence, FoundServer
from app.core.model import Security

log = logging.getLogger(__name__)

#: Where the file may be, ``{domain}`` filled in; the first that answers with a POP3 server wins.
DEFAULT_URLS = (
    "https://autoconfig.{domain}/mail/config-v1.1.xml",
    "https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml",
    "http://autoconfig.{domain}/mail/config-v1.1.xml",
)
#: A real config file is a few kilobytes.
MAX_BYTES = 256 * 1024
_SOCKET_TYPES = {"ssl": Security.TLS, "tls": Security.TLS, "starttls": Security.STARTTLS, "plain": Security.NONE}
#: A host name as DNS allows it (letters, digits, hyphens, dots), or an IP literal.
_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9])?$|^\[?[0-9a-fA-F:.]+\]?$")


@dataclass(frozen=True)
class AutoconfigAnswer:
    incoming: FoundServer | None
    outgoing: FoundServer | None
    user: str
    url: str
    confidence: Confidence


def file_url(template: str, address: str) -> str:
    """The URL asked for ``address`` (the autoconfig host is told the address, as Thunderbird does)."""
    url = template.format(domain=address.rpartition("@")[2].lower().rstrip("."))
    if not template.split("?")[0].endswith("/.well-known/autoconfig/mail/config-v1.1.xml"):
        url += "?" + urllib.parse.urlencode({"emailaddress": address})
    return url


def lookup(address: str, template: str, timeout: float = 4.0) -> AutoconfigAnswer | None:
    """Ask one place (a template of :data:`DEFAULT_URLS`); the answer when it names a POP3 server."""
    url = file_url(template, address)
    body = _fetch(url, timeout)
    if body is None:
        return None
    answer = parse(body, address, url)
    return answer if answer is not None and answer.incoming is not None else None


def _fetch(url: str, timeout: float) -> bytes | None:
    host = urllib.parse.urlsplit(url).hostname or ""
    # The system's proxy for the world, none for loopback (tests, and a local server).
    handlers = [urllib.request.ProxyHandler({})] if host in ("127.0.0.1", "::1", "localhost") else []
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers={"User-Agent": "Poplark autoconfig"})
    try:
        with opener.open(request, timeout=timeout) as response:
            if response.status != 200:
                return None
            return bytes(response.read(MAX_BYTES + 1))[:MAX_BYTES]
    except (OSError, ValueError) as error:  # URLError, HTTPError, timeouts, refused, bad URLs
        log.debug("autoconfig %s: %s", url, error)
        return None


def parse(body: bytes, address: str, url: str = "") -> AutoconfigAnswer | None:
    """Read an ISPDB document; None when it is not one (or not safe to read)."""
    try:
        root = defusedxml.ElementTree.fromstring(body)
    except (DefusedXmlException, SyntaxError, ValueError) as error:  # ParseError is a SyntaxError
        log.debug("autoconfig %s: unreadable: %s", url, error)
        return None
    if root.tag != "clientConfig":
        return None
    provider = root.find("emailProvider")
    if provider is None:
        return None
    local, _, domain = address.rpartition("@")
    pop3 = _best(provider.findall("incomingServer"), "pop3", local, address, domain)
    smtp = _best(provider.findall("outgoingServer"), "smtp", local, address, domain)
    secure = urllib.parse.urlsplit(url).scheme == "https"
    return AutoconfigAnswer(pop3[0] if pop3 else None, smtp[0] if smtp else None, pop3[1] if pop3 else "", url,
                            Confidence.HIGH if secure else Confidence.MEDIUM)


def _best(elements: list[Element], kind: str, local: str, address: str,
          domain: str) -> tuple[FoundServer, str] | None:
    """The first usable server of ``kind`` with its user name; the file's order is the provider's
    preference, but an encrypted server still beats a plain one."""
    found: list[tuple[bool, int, FoundServer, str]] = []
    for order, element in enumerate(elements):
        if element.get("type", "").lower() != kind:
            continue
        server = _server(element, local, address, domain)
        if server is not None:
            user = _fill(element.findtext("username", ""), local, address, domain).strip()
            found.append((server.security is Security.NONE, order, server, user))
    if not found:
        return None
    _, _, server, user = min(found, key=lambda item: (item[0], item[1]))
    return server, user


def _server(element: Element, local: str, address: str, domain: str) -> FoundServer | None:
    host = _fill(element.findtext("hostname", ""), local, address, domain).strip().rstrip(".")
    security = _SOCKET_TYPES.get(element.findtext("socketType", "").strip().lower())
    try:
        port = int(element.findtext("port", "").strip())
    except ValueError:
        return None
    if not _HOST.match(host) or security is None or not 0 < port < 65536:
        return None
    return FoundServer(host.lower(), port, security)


def _fill(text: str, local: str, address: str, domain: str) -> str:
    return (text.replace("%EMAILADDRESS%", address).replace("%EMAILLOCALPART%", local)
            .replace("%EMAILDOMAIN%", domain))
