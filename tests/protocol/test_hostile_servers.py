"""Hostile and broken servers (issue 5): each scenario ends in a clear error or a safe recovery.

Every scenario checks the three promises a mail client owes a user facing a bad server: the error
comes from the vocabulary in app/core/errors.py (or the session recovers), memory and time stay
bounded (line and reply caps; the read timeout, kept short here), and no message that was not
stored is ever DELE'd (asserted on the fake server's own record of the commands it received).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import app.core.pop3.client as client_module
import app.core.pop3.connection as connection_module
from app.core.errors import (
    ConfigError,
    ConnectError,
    MessageTooLarge,
    PoplarkError,
    ProtocolError,
    ServerTimeout,
    StartTlsUnavailable,
    TemporaryServerError,
    TlsError,
)
from app.core.fetch.engine import fetch_account
from app.core.model import Account, FetchReport, LeaveMode, Security, ServerPolicy
from app.core.store import Profile, Store, UidState
from tests.conftest import client_for
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf

MEBIBYTE = 1024 * 1024
MESSAGES = [crlf(f"From: sender{index}@example.com\nSubject: message {index}\n\n"
                 + f"line {index}\n" * (index * 20)) for index in range(1, 6)]
DEFAULT_MESSAGES = MESSAGES  # what serve() delivers when a test gives none (tests/protocol/conftest.py)
DELETE = ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD)
KEEP = ServerPolicy(LeaveMode.KEEP_FOREVER)
#: Short, so every "bounded time" scenario ends fast; the behaviour is the same at 60 s.
TIMEOUT = 1.0
#: Peak Python memory allowed while a server streams an endless reply (the caps are far below).
MEMORY_BOUND = 8 * MEBIBYTE


def big_message(size: int) -> bytes:
    line = b"x" * 998 + b"\r\n"
    return b"Subject: big\r\n\r\n" + line * (size // len(line))


def verbs(server: FakePop3Server, session: int = 1) -> list[str]:
    return [line.split(" ", 1)[0].upper() for line in server.mailbox.commands[session - 1]]


def all_verbs(server: FakePop3Server) -> list[str]:
    return [verb for session in range(1, server.mailbox.sessions + 1) for verb in verbs(server, session)]


class Fetcher:
    """The engine, a real SQLite store and one account against ``server``."""

    def __init__(self, tmp_path: Path, server: FakePop3Server, policy: ServerPolicy,
                 security: Security = Security.NONE) -> None:
        self.server = server
        self.profile = Profile(tmp_path / "profile").ensure()
        self.store = Store.open(self.profile)
        self.account = self.store.add_account(Account(
            name="hostile", host="127.0.0.1", port=server.address[1], security=security,
            user="alice", policy=policy, allow_insecure_auth=True, timeout_seconds=TIMEOUT))

    def fetch(self) -> FetchReport:
        try:
            return fetch_account(self.store, self.profile.lock_directory, self.account, "secret")
        finally:
            self.server.wait_until_idle()

    def stored(self) -> dict[str, bytes]:
        return {summary.uidl: self.store.raw(summary.id) for summary in self.store.messages(limit=-1)}

    def assert_no_unsaved_deletion(self) -> None:
        """The invariant behind every scenario: the server removed only what we hold, byte-exact."""
        stored = self.stored()
        originals = dict(zip([f"uid-{index}" for index in range(1, len(MESSAGES) + 1)], MESSAGES, strict=True))
        for uidl in self.server.mailbox.deleted_uidls:
            assert stored.get(uidl) == originals[uidl], f"{uidl} deleted on the server but not stored"


@pytest.fixture
def fetcher(tmp_path: Path) -> Iterator[Callable[..., Fetcher]]:
    made: list[Fetcher] = []

    def make(server: FakePop3Server, policy: ServerPolicy = DELETE, security: Security = Security.NONE) -> Fetcher:
        made.append(Fetcher(tmp_path / f"f{len(made)}", server, policy, security))
        return made[-1]

    yield make
    for item in made:
        item.store.close()


# -- line endings -------------------------------------------------------------------------------

def test_greeting_with_a_bare_lf_is_accepted(serve: Callable[..., FakePop3Server],
                                             fetcher: Callable[..., Fetcher]) -> None:
    # Lenient where it is safe: a bare LF still ends the line unambiguously.
    server = serve(faults=Faults(greeting_bytes=b"+OK ready\n"))
    harness = fetcher(server)
    report = harness.fetch()
    assert report.new_messages == len(MESSAGES)
    harness.assert_no_unsaved_deletion()
    assert server.mailbox.current_uidls() == []


def test_greeting_with_a_bare_cr_times_out(serve: Callable[..., FakePop3Server],
                                           certificates: TestCertificates) -> None:
    server = serve(faults=Faults(greeting_bytes=b"+OK ready\r"))
    with pytest.raises(ServerTimeout):
        client_for(server, certificates, timeout=TIMEOUT).connect()
    assert verbs(server) == []


def test_greeting_without_line_ending_then_close(serve: Callable[..., FakePop3Server],
                                                 certificates: TestCertificates) -> None:
    server = serve(faults=Faults(greeting_bytes=b"+OK ready", close_after_greeting=True))
    with pytest.raises(ConnectError, match="closed"):
        client_for(server, certificates, timeout=TIMEOUT).connect()


def test_reply_with_a_bare_lf_is_accepted(serve: Callable[..., FakePop3Server],
                                          certificates: TestCertificates) -> None:
    server = serve(faults=Faults(raw_reply={"NOOP": b"+OK fine\n"}))
    client = client_for(server, certificates, timeout=TIMEOUT)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    client.noop()
    assert client.stat()[0] == len(MESSAGES)  # still in step after the odd line ending
    client.quit()


@pytest.mark.parametrize("reply", [b"+OK 5 100\r", b"+OK 5 100\r+OK 5 100\r"], ids=["bare-cr", "bare-cr-twice"])
def test_reply_with_bare_cr_only_times_out_and_deletes_nothing(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher], reply: bytes) -> None:
    server = serve(faults=Faults(raw_reply={"STAT": reply, "LIST": reply}))
    harness = fetcher(server)
    with pytest.raises(ServerTimeout):
        harness.fetch()
    assert "DELE" not in all_verbs(server)
    assert server.mailbox.current_uidls() == [f"uid-{index}" for index in range(1, 6)]


# -- endless replies: bounded memory ------------------------------------------------------------

def run_bounded(action: Callable[[], object]) -> tuple[BaseException | None, int]:
    """Run ``action``; return what it raised and the peak of Python allocations meanwhile."""
    tracemalloc.start()
    raised: BaseException | None = None
    try:
        action()
    except BaseException as error:  # noqa: BLE001 - returned to the test, which asserts on it
        raised = error
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return raised, peak


def test_endless_status_line_is_refused_with_bounded_memory(serve: Callable[..., FakePop3Server],
                                                            certificates: TestCertificates) -> None:
    server = serve(faults=Faults(endless_reply_to="CAPA", endless_reply_kind="line"))
    raised, peak = run_bounded(client_for(server, certificates, timeout=TIMEOUT).connect)
    assert isinstance(raised, ProtocolError) and "far longer" in str(raised)
    assert peak < MEMORY_BOUND


def test_endless_capability_list_is_refused_with_bounded_memory(serve: Callable[..., FakePop3Server],
                                                                certificates: TestCertificates) -> None:
    server = serve(faults=Faults(endless_reply_to="CAPA", endless_reply_kind="body"))
    raised, peak = run_bounded(client_for(server, certificates, timeout=TIMEOUT).connect)
    assert isinstance(raised, ProtocolError)
    assert peak < MEMORY_BOUND


@pytest.mark.parametrize("verb", ["LIST", "UIDL"])
def test_endless_listing_stops_at_the_cap_and_deletes_nothing(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher],
        monkeypatch: pytest.MonkeyPatch, verb: str) -> None:
    # The real cap is 64 MiB (800,000 messages); a smaller one keeps the test quick.
    monkeypatch.setattr(client_module, "MAX_LISTING_OCTETS", 2 * MEBIBYTE)
    server = serve(faults=Faults(endless_reply_to=verb, endless_reply_kind="body"))
    harness = fetcher(server)
    raised, peak = run_bounded(harness.fetch)
    assert isinstance(raised, ProtocolError) and "longer than" in str(raised)
    assert peak < MEMORY_BOUND
    assert "RETR" not in all_verbs(server) and "DELE" not in all_verbs(server)


def test_endless_message_is_drained_only_so_far_then_given_up(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The real drain bound is max(cap, 64 MiB); smaller bounds keep the test quick.
    monkeypatch.setattr(connection_module, "MIN_DRAIN_OCTETS", 2 * MEBIBYTE)
    server = serve(faults=Faults(endless_reply_to="RETR", endless_reply_kind="body"))
    harness = fetcher(server, ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD, max_message_bytes=MEBIBYTE))
    raised, peak = run_bounded(harness.fetch)
    assert isinstance(raised, ProtocolError) and "does not end" in str(raised)
    assert peak < MEMORY_BOUND
    assert "DELE" not in all_verbs(server)
    assert harness.stored() == {}
    assert len(server.mailbox.current_uidls()) == len(MESSAGES)


# -- replies that do not match the listing ------------------------------------------------------

def test_reply_megabytes_larger_than_listed_is_skipped_under_a_size_cap(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher]) -> None:
    server = serve(faults=Faults(retr_substitute={2: big_message(4 * MEBIBYTE)}))
    harness = fetcher(server, ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD, max_message_bytes=MEBIBYTE))
    raised, peak = run_bounded(harness.fetch)
    assert raised is None
    assert "uid-2" not in harness.stored() and len(harness.stored()) == len(MESSAGES) - 1
    assert server.mailbox.current_uidls() == ["uid-2"]  # the oversized one stays; the rest went
    assert verbs(server)[-1] == "QUIT"  # drained: the session stayed in step to the end
    assert peak < 2 * MEBIBYTE + MEMORY_BOUND
    harness.assert_no_unsaved_deletion()


@pytest.mark.parametrize("pipelining", [True, False])
def test_reply_megabytes_larger_than_listed_is_not_taken_for_that_message(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher], pipelining: bool) -> None:
    server = serve(faults=Faults(retr_substitute={2: big_message(4 * MEBIBYTE)}), pipelining=pipelining)
    harness = fetcher(server)
    report = harness.fetch()
    assert report.failed_messages == 1 and any("left on the server" in text for text in report.warnings)
    assert "uid-2" not in harness.stored()
    assert server.mailbox.current_uidls() == ["uid-2"]
    harness.assert_no_unsaved_deletion()


@pytest.mark.parametrize("pipelining", [True, False])
def test_wrong_message_is_neither_stored_under_this_uidl_nor_deleted(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher], pipelining: bool) -> None:
    # The server answers RETR 1 with another user's 200 KB message; message 1 itself is 100 bytes.
    intruder = crlf("Subject: not yours\n\n" + "someone else's mail\n" * 10_000)
    server = serve(faults=Faults(retr_substitute={1: intruder}), pipelining=pipelining)
    harness = fetcher(server)
    report = harness.fetch()
    assert report.failed_messages == 1
    assert intruder not in harness.stored().values()
    assert server.mailbox.current_uidls() == ["uid-1"]  # never DELE'd: we do not have it
    harness.assert_no_unsaved_deletion()


# -- LIST and UIDL with bad numbers ---------------------------------------------------------------

@pytest.mark.parametrize("verb,body", [
    ("LIST", b"-1 100\r\n"),
    ("LIST", b"one 100\r\n"),
    ("LIST", b"0 100\r\n"),
    ("LIST", b"1 -100\r\n"),
    ("LIST", b"1 lots\r\n"),
    ("LIST", b"1 " + b"9" * 5000 + b"\r\n"),
    ("LIST", b"99999999999999999999 100\r\n"),
    ("LIST", b"1 100\r\n1 200\r\n"),
    ("UIDL", b"1 uid-1\r\n1 uid-2\r\n"),
    ("UIDL", b"-3 uid-3\r\n"),
    ("UIDL", b"9" * 5000 + b" uid-1\r\n"),
    ("UIDL", b"1\r\n"),
], ids=["negative", "non-numeric", "zero", "negative-size", "word-size", "5000-digit-size", "huge-number",
        "duplicate-number", "uidl-duplicate-number", "uidl-negative", "uidl-5000-digits", "uidl-missing"])
def test_bad_numbers_in_a_listing_stop_before_any_retr_or_dele(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher], verb: str, body: bytes) -> None:
    server = serve(faults=Faults(raw_reply={verb: b"+OK\r\n" + body + b".\r\n"}))
    harness = fetcher(server)
    with pytest.raises(ProtocolError, match=verb):
        harness.fetch()
    assert "RETR" not in all_verbs(server) and "DELE" not in all_verbs(server)
    assert verbs(server)[-1] == "QUIT"  # the listing was read to its end: a clean goodbye


def test_listed_number_out_of_range_fails_that_message_only(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher]) -> None:
    # Both listings name a message 9 that the maildrop (5 messages) does not have.
    listing = b"".join(b"%d %d\r\n" % (index, len(MESSAGES[index - 1])) for index in range(1, 6))
    uids = b"".join(b"%d uid-%d\r\n" % (index, index) for index in range(1, 6))
    server = serve(faults=Faults(raw_reply={"LIST": b"+OK\r\n" + listing + b"9 120\r\n.\r\n",
                                            "UIDL": b"+OK\r\n" + uids + b"9 uid-9\r\n.\r\n"}))
    harness = fetcher(server)
    report = harness.fetch()
    assert report.new_messages == 5 and report.failed_messages == 1
    assert "DELE 9" not in server.mailbox.commands[0]
    assert server.mailbox.current_uidls() == []
    harness.assert_no_unsaved_deletion()


# -- TLS: injection, wrong host, downgrade ------------------------------------------------------

def test_starttls_injection_is_discarded(serve: Callable[..., FakePop3Server],
                                         certificates: TestCertificates) -> None:
    # An attacker's forged replies ride in the same packet as "+OK Begin TLS": a fake capability
    # list that offers nothing but cleartext USER, and a fake login refusal.
    injected = b"+OK\r\nUSER\r\nSASL EVIL\r\n.\r\n-ERR [AUTH] forged\r\n+OK forged\r\n"
    server = serve(mode="stls", faults=Faults(pre_tls_injection=injected))
    client = client_for(server, certificates, Security.STARTTLS, timeout=TIMEOUT)
    client.connect()
    assert client.tls is not None
    assert "EVIL" not in client.capabilities.sasl_mechanisms
    assert "PLAIN" in client.capabilities.sasl_mechanisms  # the real, post-handshake list
    client.login("alice", "secret")
    assert client.stat() == (len(MESSAGES), sum(len(message) for message in MESSAGES))
    client.quit()


@pytest.mark.parametrize("mode,security", [("tls", Security.TLS), ("stls", Security.STARTTLS)])
def test_certificate_for_another_host_sends_no_credentials(
        serve: Callable[..., FakePop3Server], certificates: TestCertificates, mode: str,
        security: Security) -> None:
    server = serve(mode=mode, certificate="wrong_host")
    with pytest.raises(TlsError, match=r"[Hh]ostname") as raised:
        client_for(server, certificates, security, timeout=TIMEOUT).connect()
    assert len(raised.value.fingerprint_sha256) == 64  # so the user can compare it
    server.wait_until_idle()
    assert not {"USER", "PASS", "AUTH", "APOP"} & set(verbs(server))


@pytest.mark.parametrize("faults", [Faults(refuse_stls=True), Faults(advertise_stls=False)],
                         ids=["advertised-then-refused", "stripped-from-capa"])
def test_starttls_downgrade_fails_and_never_continues_in_cleartext(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher], faults: Faults) -> None:
    server = serve(mode="stls", faults=faults)
    # Even with cleartext auth allowed, an account set to STARTTLS must not fall back to it.
    harness = fetcher(server, security=Security.STARTTLS)
    with pytest.raises(StartTlsUnavailable, match="STARTTLS"):
        harness.fetch()
    assert not {"USER", "PASS", "AUTH", "APOP", "RETR", "DELE"} & set(all_verbs(server))


# -- APOP -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("timestamp", ["<abc>", "<@>", "<a@b", "<a b@c>", "<a@b\x01>", "a@b"])
def test_apop_with_a_malformed_timestamp_is_refused_before_sending_anything(
        serve: Callable[..., FakePop3Server], certificates: TestCertificates, timestamp: str) -> None:
    server = serve(greeting_timestamp=timestamp)
    client = client_for(server, certificates, timeout=TIMEOUT)
    client.connect()
    with pytest.raises(ConfigError, match="APOP"):
        client.login("alice", "secret", use_apop=True)
    client.abort()
    server.wait_until_idle()
    assert not {"APOP", "USER", "PASS", "AUTH"} & set(verbs(server))


# -- QUIT -----------------------------------------------------------------------------------------

def test_err_on_quit_keeps_stored_mail_and_counts_no_deletion(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher]) -> None:
    server = serve(faults=Faults(sessions={1}, err_reply={"QUIT": "-ERR [SYS/TEMP] cannot update maildrop"}))
    harness = fetcher(server)
    with pytest.raises(TemporaryServerError) as raised:
        harness.fetch()
    assert "stay on the server" in str(raised.value)
    assert len(harness.stored()) == len(MESSAGES)  # committed before any DELE: kept
    assert harness.account.id is not None
    states = {uidl: known.state for uidl, known in harness.store.known_uids(harness.account.id).items()}
    assert UidState.DELETED_ON_SERVER not in states.values()  # the DELEs are not taken as done
    assert len(server.mailbox.current_uidls()) == len(MESSAGES)
    # The next session fetches nothing again and deletes for real.
    report = harness.fetch()
    assert report.new_messages == 0 and report.deleted_on_server == len(MESSAGES)
    assert server.mailbox.current_uidls() == []
    assert len(harness.stored()) == len(MESSAGES)
    harness.assert_no_unsaved_deletion()


def test_err_on_quit_with_nothing_to_delete_is_not_an_error(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher]) -> None:
    server = serve(faults=Faults(err_reply={"QUIT": "-ERR whatever"}))
    harness = fetcher(server, KEEP)
    report = harness.fetch()
    assert report.new_messages == len(MESSAGES)
    assert "DELE" not in all_verbs(server)


# -- SASL -----------------------------------------------------------------------------------------

def test_endless_sasl_challenges_end_in_a_protocol_error(serve: Callable[..., FakePop3Server],
                                                          certificates: TestCertificates) -> None:
    # After the client's responses run out it cancels with "*"; a server that challenges on
    # would otherwise keep it in the exchange for ever.
    server = serve(mode="tls", faults=Faults(raw_reply={"AUTH": b"+ \r\n+ \r\n+ \r\n+ \r\n"}))
    client = client_for(server, certificates, Security.TLS, timeout=TIMEOUT)
    client.connect()
    with pytest.raises(PoplarkError):
        client.login("alice", "secret")
    client.abort()


def test_message_too_large_leaves_the_client_usable(serve: Callable[..., FakePop3Server],
                                                    certificates: TestCertificates) -> None:
    server = serve(faults=Faults(retr_substitute={1: big_message(3 * MEBIBYTE)}))
    client = client_for(server, certificates, timeout=TIMEOUT)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    with pytest.raises(MessageTooLarge):
        client.retrieve(1, max_bytes=MEBIBYTE)
    assert client.retrieve(2) == MESSAGES[1]
    client.quit()


# -- slow drip ("slowloris"): the idle timeout alone would never fire ------------------------------

@pytest.mark.parametrize("verb,kind", [("CAPA", "line"), ("CAPA", "body"), ("RETR", "body")])
def test_a_reply_dripped_byte_by_byte_times_out(serve: Callable[..., FakePop3Server],
                                                fetcher: Callable[..., Fetcher], verb: str, kind: str) -> None:
    # One byte every 0.05 s keeps the link from ever being idle for the 1 s timeout; without a
    # minimum rate the 64 KiB line cap alone would take almost an hour to reach.
    server = serve(faults=Faults(endless_reply_to=verb, endless_reply_kind=kind, endless_drip_seconds=0.05))
    harness = fetcher(server)
    with pytest.raises(ServerTimeout, match="too slowly"):
        harness.fetch()
    assert "DELE" not in all_verbs(server)
    assert len(server.mailbox.current_uidls()) == len(MESSAGES)


def test_endless_header_block_without_uidl_is_bounded_and_deletes_nothing(
        serve: Callable[..., FakePop3Server], fetcher: Callable[..., Fetcher],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Without UIDL the engine identifies messages by TOP n 0; that reply is capped separately.
    monkeypatch.setattr(client_module, "MAX_HEADER_OCTETS", MEBIBYTE)
    monkeypatch.setattr(connection_module, "MIN_DRAIN_OCTETS", 2 * MEBIBYTE)
    server = serve(faults=Faults(no_uidl=True, endless_reply_to="TOP", endless_reply_kind="body"))
    harness = fetcher(server)
    raised, peak = run_bounded(harness.fetch)
    assert isinstance(raised, ProtocolError)
    assert peak < MEMORY_BOUND
    assert "RETR" not in all_verbs(server) and "DELE" not in all_verbs(server)
