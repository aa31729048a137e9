"""Autodiscovery for domains the provider table does not know (issue 14, item 12), against a DNS
responder and an HTTP server on loopback, and fake POP3 servers for the probes: the order of
trust, each source read right, hostile XML refused, and a cancel that returns at once."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from app.cli import discovering
from app.core.cancel import CancelToken
from app.core.discovery import autoconfig
from app.core.discovery.discover import DiscoveryNetwork, discover
from app.core.discovery.dns_lookup import DnsResolver
from app.core.discovery.result import Confidence, FoundServer, Source
from app.core.errors import Cancelled
from app.core.model import Security
from tests.conftest import ServerFactory, run_cli
from tests.fakes.dns_server import FakeDnsServer
from tests.fakes.http_server import FakeHttpServer

ADDRESS = "li.wei@example.test"
ISPDB = b"""<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <displayName>Example Mail</displayName>
    <incomingServer type="imap">
      <hostname>imap.example.test</hostname><port>993</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.plain.example.test</hostname><port>110</port><socketType>plain</socketType>
      <username>%EMAILLOCALPART%</username>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop3.%EMAILDOMAIN%</hostname><port>995</port><socketType>SSL</socketType>
      <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.%EMAILDOMAIN%</hostname><port>587</port><socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"""
AUTOCONFIG_PATH = "/example.test/mail/config-v1.1.xml"
WELL_KNOWN_PATH = "/example.test/.well-known/autoconfig/mail/config-v1.1.xml"


@pytest.fixture
def dns_server() -> Iterator[FakeDnsServer]:
    with FakeDnsServer() as server:
        yield server


@pytest.fixture
def http_server() -> Iterator[FakeHttpServer]:
    with FakeHttpServer() as server:
        yield server


@pytest.fixture
def network(dns_server: FakeDnsServer, http_server: FakeHttpServer) -> DiscoveryNetwork:
    """Everything on loopback; no probe port by default (tests that probe give theirs)."""
    return DiscoveryNetwork(resolver=DnsResolver(dns_server.address, timeout=2.0),
                            autoconfig_urls=(f"{http_server.base}/{{domain}}/mail/config-v1.1.xml",
                                             f"{http_server.base}/{{domain}}/.well-known/autoconfig/mail/"
                                             "config-v1.1.xml"),
                            probe_ports=(), timeout=2.0)


def test_the_provider_table_answers_without_the_network(network: DiscoveryNetwork, dns_server: FakeDnsServer,
                                                        http_server: FakeHttpServer) -> None:
    found = discover("someone@qq.com", network)
    assert found is not None and found.source is Source.PROVIDER_TABLE and found.confidence is Confidence.HIGH
    assert found.incoming == FoundServer("pop.qq.com", 995, Security.TLS)
    assert dns_server.questions == [] and http_server.requests == []


def test_the_domains_autoconfig_file_is_read(network: DiscoveryNetwork, http_server: FakeHttpServer) -> None:
    http_server.pages[AUTOCONFIG_PATH] = ISPDB
    found = discover(ADDRESS, network)
    assert found is not None and found.source is Source.AUTOCONFIG
    # The POP3 entry, the encrypted one before the plain one, placeholders filled in.
    assert found.incoming == FoundServer("pop3.example.test", 995, Security.TLS)
    assert found.outgoing == FoundServer("smtp.example.test", 587, Security.STARTTLS)
    assert found.user == "li.wei"
    assert found.confidence is Confidence.MEDIUM  # plain HTTP here; HTTPS counts as HIGH
    assert any(request.startswith("/example.test/mail/config-v1.1.xml?emailaddress=li.wei%40example.test")
               for request in http_server.requests)


def test_the_well_known_location_is_read_too(network: DiscoveryNetwork, http_server: FakeHttpServer) -> None:
    http_server.pages[WELL_KNOWN_PATH] = ISPDB
    found = discover(ADDRESS, network)
    assert found is not None and found.source is Source.AUTOCONFIG and found.detail.endswith(WELL_KNOWN_PATH)


def test_https_answers_are_trusted_more() -> None:
    answer = autoconfig.parse(ISPDB, ADDRESS, "https://autoconfig.example.test/mail/config-v1.1.xml")
    assert answer is not None and answer.confidence is Confidence.HIGH


@pytest.mark.parametrize("body", [
    # "Billion laughs": entity expansion is refused, not carried out.
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b"<clientConfig><emailProvider><incomingServer type='pop3'><hostname>&b;</hostname><port>995</port>"
    b"<socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>",
    # An external entity would read a local file.
    b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<clientConfig><emailProvider><incomingServer type='pop3'><hostname>&x;</hostname><port>995</port>"
    b"<socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>",
    b"<html><body>Not found</body></html>",
    b"not xml at all",
    b"<clientConfig><emailProvider><incomingServer type='pop3'><hostname>bad host name; rm</hostname>"
    b"<port>995</port><socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>",
])
def test_hostile_or_foreign_files_give_no_answer(body: bytes) -> None:
    answer = autoconfig.parse(body, ADDRESS, "https://autoconfig.example.test/mail/config-v1.1.xml")
    assert answer is None or answer.incoming is None


def test_srv_records_are_read(network: DiscoveryNetwork, dns_server: FakeDnsServer) -> None:
    dns_server.add("_pop3s._tcp.example.test", "SRV", "10 1 995 mail.example.test.", "0 5 995 pop.example.test.")
    dns_server.add("_submission._tcp.example.test", "SRV", "0 1 587 smtp.example.test.")
    found = discover(ADDRESS, network)
    assert found is not None and found.source is Source.SRV and found.confidence is Confidence.MEDIUM
    assert found.incoming == FoundServer("pop.example.test", 995, Security.TLS)  # the lowest priority wins
    assert found.outgoing == FoundServer("smtp.example.test", 587, Security.STARTTLS)
    assert found.detail == "_pop3s._tcp.example.test, _submission._tcp.example.test"


def test_a_dot_target_means_not_offered(network: DiscoveryNetwork, dns_server: FakeDnsServer) -> None:
    dns_server.add("_pop3s._tcp.example.test", "SRV", "0 0 0 .")  # RFC 6186: no POP3 over TLS here
    dns_server.add("_pop3._tcp.example.test", "SRV", "0 1 110 pop.example.test.")
    found = discover(ADDRESS, network)
    assert found is not None and found.incoming == FoundServer("pop.example.test", 110, Security.STARTTLS)
    assert found.outgoing is None


def test_autoconfig_beats_srv(network: DiscoveryNetwork, dns_server: FakeDnsServer,
                              http_server: FakeHttpServer) -> None:
    dns_server.add("_pop3s._tcp.example.test", "SRV", "0 1 995 srv.example.test.")
    http_server.pages[AUTOCONFIG_PATH] = ISPDB
    found = discover(ADDRESS, network)
    assert found is not None and found.source is Source.AUTOCONFIG


def probing(network: DiscoveryNetwork, ports: tuple[tuple[int, Security], ...]) -> DiscoveryNetwork:
    return DiscoveryNetwork(resolver=network.resolver, autoconfig_urls=network.autoconfig_urls, probe_ports=ports,
                            timeout=network.timeout)


def test_probing_finds_a_tls_server_on_a_likely_host(network: DiscoveryNetwork, dns_server: FakeDnsServer,
                                                      serve: ServerFactory) -> None:
    tls = serve([], mode="tls")
    stls = serve([], mode="stls")
    dns_server.add("mail.example.test", "A", "127.0.0.1")  # only mail.<domain> exists
    found = discover(ADDRESS, probing(network, ((tls.address[1], Security.TLS),
                                                (stls.address[1], Security.STARTTLS))))
    assert found is not None and found.source is Source.PROBE and found.confidence is Confidence.LOW
    assert found.incoming == FoundServer("mail.example.test", tls.address[1], Security.TLS)
    assert ("pop.example.test", "A") in dns_server.questions


def test_probing_tells_stls_from_plain(network: DiscoveryNetwork, dns_server: FakeDnsServer,
                                       serve: ServerFactory) -> None:
    stls = serve([], mode="stls")
    plain = serve([], mode="plain")
    dns_server.add("pop.example.test", "A", "127.0.0.1")
    found = discover(ADDRESS, probing(network, ((stls.address[1], Security.STARTTLS),)))
    assert found is not None and found.incoming == FoundServer(
        "pop.example.test", stls.address[1], Security.STARTTLS)
    found = discover(ADDRESS, probing(network, ((plain.address[1], Security.STARTTLS),)))
    assert found is not None and found.incoming == FoundServer(
        "pop.example.test", plain.address[1], Security.NONE)


def test_nothing_found_is_none(network: DiscoveryNetwork, dns_server: FakeDnsServer) -> None:
    assert discover(ADDRESS, probing(network, ((1, Security.TLS),))) is None
    assert ("_pop3s._tcp.example.test", "SRV") in dns_server.questions
    assert discover("not an address", network) is None


def test_a_cancel_ends_the_search(network: DiscoveryNetwork, http_server: FakeHttpServer) -> None:
    cancel = CancelToken()
    # A file that never comes: the search would wait for its timeout, but the cancel ends it first.
    never = threading.Event()
    silent = DiscoveryNetwork(resolver=network.resolver, autoconfig_urls=(f"{http_server.base}/{{domain}}/slow",),
                              probe_ports=(), timeout=30.0)
    original = autoconfig._fetch

    def slow_fetch(url: str, timeout: float) -> bytes | None:
        never.wait(timeout)
        return original(url, 1.0)

    autoconfig_fetch = pytest.MonkeyPatch()
    autoconfig_fetch.setattr(autoconfig, "_fetch", slow_fetch)
    try:
        threading.Timer(0.2, cancel.cancel).start()
        with pytest.raises(Cancelled):
            discover(ADDRESS, silent, cancel=cancel)
    finally:
        never.set()
        autoconfig_fetch.undo()


# -- the command line ------------------------------------------------------------------------------

def test_the_cli_prints_what_it_found_and_how_to_add_it(network: DiscoveryNetwork, http_server: FakeHttpServer,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    http_server.pages[AUTOCONFIG_PATH] = ISPDB
    assert discovering.run(ADDRESS, network=network) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{ADDRESS}: found in the domain's autoconfig file (http://127.0.0.1:")
    assert lines[0].endswith("; probably right; `poplark account test` checks it")
    assert lines[1:4] == ["incoming\tpop3.example.test:995\ttls", "outgoing\tsmtp.example.test:587\tstarttls",
                          "user\tli.wei"]
    assert lines[4] == ("add it with:\tpoplark account add example --host pop3.example.test --port 995 "
                        "--security tls --user li.wei --email li.wei@example.test")
    assert discovering.run(ADDRESS, as_json=True, network=network) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["incoming"] == {"host": "pop3.example.test", "port": 995, "security": "tls"}
    assert found["source"] == "autoconfig" and found["confidence"] == "medium"


def test_the_cli_says_when_nothing_was_found(network: DiscoveryNetwork, capsys: pytest.CaptureFixture[str]) -> None:
    assert discovering.run(ADDRESS, network=network) == 1
    assert capsys.readouterr().out.strip() == (
        f"{ADDRESS}: no POP3 server found for example.test; ask your provider which server to use "
        "(often pop.example.test, port 995), then `poplark account add`")


def test_poplark_account_discover_for_a_known_provider(cli_environment: dict[str, str]) -> None:
    result = run_cli(cli_environment, "account", "discover", "xiaoming@163.com", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["source"] == "provider-table" and found["incoming"]["host"] == "pop.163.com"
