"""``poplark account discover ADDRESS``: the servers autodiscovery finds for an address (the same
search as the account dialog's, :mod:`app.core.discovery`), with the ``account add`` line that
uses them. Exit 0 when a POP3 server was found, 1 when the user must find it out."""

from __future__ import annotations

import json
import shlex

from app.cli.presenter import EXIT_FAILED, EXIT_OK
from app.core.discovery.discover import DiscoveryNetwork, discover
from app.core.discovery.result import Confidence, Discovery, FoundServer, Source

_SOURCES = {
    Source.PROVIDER_TABLE: "Poplark's table of providers",
    Source.AUTOCONFIG: "the domain's autoconfig file",
    Source.SRV: "the domain's DNS SRV records",
    Source.PROBE: "a likely host name that answered as a POP3 server",
}
_CONFIDENCE = {
    Confidence.HIGH: "sure",
    Confidence.MEDIUM: "probably right; `poplark account test` checks it",
    Confidence.LOW: "a guess; `poplark account test` checks it, your provider's help pages say for certain",
}


def run(address: str, as_json: bool = False, network: DiscoveryNetwork | None = None) -> int:
    found = discover(address, network)
    if as_json:
        print(json.dumps(_as_json(address, found), ensure_ascii=False))
    elif found is None or found.incoming is None:
        domain = address.rpartition("@")[2]
        print(f"{address}: no POP3 server found for {domain}; ask your provider which server to use "
              f"(often pop.{domain}, port 995), then `poplark account add`")
    else:
        _print(address, found)
    return EXIT_OK if found is not None and found.incoming is not None else EXIT_FAILED


def _print(address: str, found: Discovery) -> None:
    assert found.incoming is not None
    where = f" ({found.detail})" if found.detail else ""
    print(f"{address}: found in {_SOURCES[found.source]}{where}; {_CONFIDENCE[found.confidence]}")
    print(f"incoming\t{_server(found.incoming)}")
    if found.outgoing is not None:
        print(f"outgoing\t{_server(found.outgoing)}")
    user = found.user or address
    print(f"user\t{user}")
    server = found.incoming
    name = address.rpartition("@")[2].split(".")[0] or "mail"
    print("add it with:\tpoplark account add " + " ".join(shlex.quote(part) for part in (
        name, "--host", server.host, "--port", str(server.port), "--security", server.security.value,
        "--user", user, "--email", address)))


def _server(server: FoundServer) -> str:
    return f"{server.host}:{server.port}\t{server.security.value}"


def _as_json(address: str, found: Discovery | None) -> dict[str, object]:
    def server(found_server: FoundServer | None) -> dict[str, object] | None:
        if found_server is None:
            return None
        return {"host": found_server.host, "port": found_server.port, "security": found_server.security.value}

    if found is None:
        return {"address": address, "found": False}
    return {"address": address, "found": found.incoming is not None, "source": found.source.value,
            "confidence": found.confidence.value, "detail": found.detail, "user": found.user or address,
            "incoming": server(found.incoming), "outgoing": server(found.outgoing)}
