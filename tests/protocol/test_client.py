"""Pop3Client against the fake server: security modes, auth choice, byte-exact RETR, errors."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from app.core.cancel import CancelToken
from app.core.errors import (
    AuthError,
    Cancelled,
    ConfigError,
    ConnectError,
    MailboxBusy,
    MessageTooLarge,
    OutOfStep,
    PermanentServerError,
    PipelineStalled,
    ProtocolError,
    ServerTimeout,
    StartTlsUnavailable,
    TemporaryServerError,
    TlsError,
)
from app.core.model import Security
from app.core.pop3.auth import Secret, SecretKind
from app.core.pop3.client import PIPELINE_WINDOW, Pop3Client
from app.core.pop3.connection import SEND_BUFFER_BYTES, open_tcp
from tests.conftest import ServerFactory, client_for
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf

ONE_MEBIBYTE = 1024 * 1024
TRICKY = (b".starts with a dot\r\nSubject: tricky\r\n\r\n.\r\n..two\r\nNUL \x00 bare \r CR\r\n"
          b"8-bit \xc4\xe3\xba\xc3 \xff\r\n" + b"y" * ONE_MEBIBYTE + b"\r\nend\r\n")
#: What serve() delivers when a test gives no messages (tests/protocol/conftest.py).
SMALL = [crlf(f"From: n{index}@example.com\nSubject: message {index}\n\nbody {index}\n") for index in range(1, 6)]
DEFAULT_MESSAGES = SMALL

def session_commands(server: FakePop3Server, session: int = 1) -> list[str]:
    return [line.split(" ", 1)[0].upper() for line in server.mailbox.commands[session - 1]]


# -- security modes -------------------------------------------------------------------------------

def test_implicit_tls_verifies_and_reports_the_certificate(serve: ServerFactory,
                                                          certificates: TestCertificates) -> None:
    server = serve(mode="tls")
    client = client_for(server, certificates, Security.TLS)
    client.connect()
    assert client.tls is not None
    assert client.tls.version in ("TLSv1.2", "TLSv1.3")
    assert len(client.tls.fingerprint_sha256) == 64
    client.login("alice", "secret")
    assert client.stat() == (5, sum(len(message) for message in SMALL))
    client.quit()


def test_untrusted_certificate_is_refused_with_its_fingerprint(serve: ServerFactory,
                                                                certificates: TestCertificates) -> None:
    server = serve(mode="tls", certificate="untrusted")
    with pytest.raises(TlsError, match="not trusted") as raised:
        client_for(server, certificates, Security.TLS).connect()
    assert len(raised.value.fingerprint_sha256) == 64
    # Nothing was sent after the handshake: no USER, PASS or AUTH ever reached the server.
    assert all(command not in ("USER", "PASS", "AUTH") for session in server.mailbox.commands for command in session)


def test_pinned_certificate_is_accepted_and_only_that_one(serve: ServerFactory,
                                                          certificates: TestCertificates) -> None:
    server = serve(mode="tls", certificate="untrusted")
    with pytest.raises(TlsError) as raised:
        client_for(server, certificates, Security.TLS).connect()
    pin = raised.value.fingerprint_sha256
    client = client_for(server, certificates, Security.TLS, pinned_cert_sha256=pin)
    client.connect()
    assert client.tls is not None and client.tls.pinned
    client.login("alice", "secret")
    client.quit()
    with pytest.raises(TlsError, match="not the certificate you chose"):
        client_for(server, certificates, Security.TLS, pinned_cert_sha256="0" * 64).connect()


def test_hostname_mismatch_is_a_tls_error(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(mode="tls", certificate="wrong_host")
    with pytest.raises(TlsError, match=r"[Hh]ostname"):
        client_for(server, certificates, Security.TLS).connect()


def test_starttls_upgrades_and_asks_capa_again(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(mode="stls")
    client = client_for(server, certificates, Security.STARTTLS)
    client.connect()
    assert client.tls is not None
    assert not client.capabilities.stls  # the list from after the handshake
    client.login("alice", "secret")
    client.quit()
    assert session_commands(server)[:3] == ["CAPA", "STLS", "CAPA"]


@pytest.mark.parametrize("faults", [Faults(refuse_stls=True), Faults(advertise_stls=False)],
                         ids=["refused", "not-offered"])
def test_starttls_missing_or_refused_never_falls_back(serve: ServerFactory, certificates: TestCertificates,
                                                      faults: Faults) -> None:
    server = serve(mode="stls", faults=faults)
    with pytest.raises(StartTlsUnavailable, match="STARTTLS"):
        client_for(server, certificates, Security.STARTTLS).connect()
    assert all(command not in ("USER", "PASS", "AUTH") for command in session_commands(server))


def test_bytes_injected_before_the_handshake_are_never_read_as_replies(serve: ServerFactory,
                                                                        certificates: TestCertificates) -> None:
    server = serve(mode="stls", faults=Faults(pre_tls_injection=b"+OK injected\r\n"))
    client = client_for(server, certificates, Security.STARTTLS)
    try:
        client.connect()
    except (TlsError, ConnectError):
        return  # the handshake saw the garbage and failed: also safe
    client.login("alice", "secret")
    assert client.stat()[0] == 5
    client.quit()


def test_cleartext_password_refused_on_plain_link_unless_allowed(serve: ServerFactory,
                                                                 certificates: TestCertificates) -> None:
    server = serve()
    client = client_for(server, certificates, Security.NONE)
    client.connect()
    with pytest.raises(ConfigError, match="unencrypted"):
        client.login("alice", "secret")
    client.abort()
    allowed = client_for(server, certificates, Security.NONE)
    allowed.connect()
    allowed.login("alice", "secret", allow_insecure_auth=True)
    allowed.quit()


def test_ipv6_loopback(certificates: TestCertificates) -> None:
    try:
        server = FakePop3Server(SMALL, host="::1").start()
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    try:
        client = Pop3Client("::1", server.address[1], Security.NONE, timeout=5)
        client.connect()
        client.login("alice", "secret", allow_insecure_auth=True)
        assert client.stat()[0] == 5
        client.quit()
    finally:
        server.stop()


# -- authentication ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("capabilities", "expected", "first_command"), [
    (None, "PLAIN", "AUTH"),
    (["USER", "UIDL", "SASL LOGIN"], "LOGIN", "AUTH"),
    (["USER", "UIDL"], "USER", "USER"),
], ids=["plain", "login", "user-pass"])
def test_strongest_offered_mechanism_is_used(serve: ServerFactory, certificates: TestCertificates,
                                             capabilities: list[str] | None, expected: str, first_command: str) -> None:
    server = serve(mode="tls", capabilities=capabilities, password="pässwörd-密码")
    client = client_for(server, certificates, Security.TLS)
    client.connect()
    assert client.login("alice", "pässwörd-密码") == expected
    client.quit()
    assert first_command in session_commands(server)


def test_long_sasl_response_goes_on_a_continuation_line(serve: ServerFactory, certificates: TestCertificates) -> None:
    long_password = "p" * 300
    server = serve(mode="tls", password=long_password)
    client = client_for(server, certificates, Security.TLS)
    client.connect()
    client.login("alice", long_password)
    client.quit()
    auth_lines = [line for line in server.mailbox.commands[0] if line.upper().startswith("AUTH")]
    assert auth_lines == ["AUTH PLAIN"]  # RFC 5034: no initial response past 255 octets


@pytest.mark.parametrize("capabilities", [None, ["USER", "UIDL", "SASL LOGIN"], ["USER", "UIDL"]],
                         ids=["plain", "login", "user-pass"])
def test_login_takes_a_secret_as_well_as_a_password(serve: ServerFactory, certificates: TestCertificates,
                                                   capabilities: list[str] | None) -> None:
    server = serve(mode="tls", capabilities=capabilities, password="pässwörd-密码")
    client = client_for(server, certificates, Security.TLS)
    client.connect()
    client.login("alice", Secret.password("pässwörd-密码"))
    assert client.stat()[0] == len(SMALL)
    client.quit()


def test_a_token_no_offered_mechanism_can_use_is_refused_before_it_is_sent(
        serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(mode="tls")
    client = client_for(server, certificates, Security.TLS)
    client.connect()
    with pytest.raises(ConfigError, match="access token"):
        client.login("alice", Secret(SecretKind.BEARER_TOKEN, "ya29.token"))
    client.abort()
    assert not {"AUTH", "USER", "PASS", "APOP"} & set(session_commands(server))


def test_no_capa_falls_back_to_user_pass(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(mode="tls", faults=Faults(no_capa=True))
    client = client_for(server, certificates, Security.TLS)
    client.connect()
    assert not client.capabilities.known
    assert client.login("alice", "secret") == "USER"
    client.quit()


def test_apop_only_when_enabled_and_with_a_strict_timestamp(serve: ServerFactory,
                                                            certificates: TestCertificates) -> None:
    server = serve()
    client = client_for(server, certificates, Security.NONE)
    client.connect()
    assert client.login("alice", "secret", use_apop=True) == "APOP"
    client.quit()
    loose = serve(greeting_timestamp="<no-at-sign>")
    client = client_for(loose, certificates, Security.NONE)
    client.connect()
    with pytest.raises(ConfigError, match="APOP"):
        client.login("alice", "secret", use_apop=True)
    client.abort()


@pytest.mark.parametrize(("faults", "error", "options"), [
    (Faults(), AuthError, {"password": "other"}),
    (Faults(err_reply={"AUTH": "-ERR [IN-USE] Mailbox locked"}), MailboxBusy, {}),
    (Faults(err_reply={"AUTH": "-ERR [LOGIN-DELAY] wait"}), MailboxBusy, {}),
    (Faults(err_reply={"AUTH": "-ERR [SYS/TEMP] backend down"}), TemporaryServerError, {}),
    (Faults(err_reply={"AUTH": "-ERR [SYS/PERM] account disabled"}), PermanentServerError, {}),
    (Faults(err_reply={"AUTH": "-ERR [AUTH] bad"}), AuthError, {}),
], ids=["wrong-password", "in-use", "login-delay", "sys-temp", "sys-perm", "auth"])
def test_login_errors_map_to_the_vocabulary(serve: ServerFactory, certificates: TestCertificates, faults: Faults,
                                            error: type[Exception], options: dict[str, str]) -> None:
    server = serve(mode="tls", faults=faults, **options)
    client = client_for(server, certificates, Security.TLS)
    client.connect()
    with pytest.raises(error) as raised:
        client.login("alice", "secret")
    client.abort()
    assert raised.value.server_text  # the server's own words are kept for the user


def test_auth_error_without_code_is_not_a_password_problem_when_server_uses_codes(
        serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(mode="tls", faults=Faults(err_reply={"AUTH": "-ERR try again"}))
    client = client_for(server, certificates, Security.TLS)
    client.connect()
    assert client.capabilities.has("AUTH-RESP-CODE")
    with pytest.raises(TemporaryServerError):  # RFC 3206 section 4
        client.login("alice", "secret")
    client.abort()


def test_second_session_on_a_locked_mailbox_is_busy(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(mode="tls", in_use_wait_seconds=0.1)
    first = client_for(server, certificates, Security.TLS)
    first.connect()
    first.login("alice", "secret")
    second = client_for(server, certificates, Security.TLS)
    second.connect()
    with pytest.raises(MailboxBusy):
        second.login("alice", "secret")
    second.abort()
    first.quit()


# -- transaction ------------------------------------------------------------------------------------

@pytest.mark.parametrize("pipelined", [False, True], ids=["sequential", "pipelined"])
def test_retrieve_is_byte_exact(serve: ServerFactory, certificates: TestCertificates, pipelined: bool) -> None:
    server = serve([TRICKY, *SMALL], mode="tls")
    client = client_for(server, certificates, Security.TLS)
    client.connect()
    client.login("alice", "secret")
    sizes = client.list_sizes()
    results = list(client.retrieve_many(sorted(sizes.items()), pipelined=pipelined))
    assert [result.data for result in results] == [TRICKY, *SMALL]
    assert client.unique_ids() == {number: f"uid-{number}" for number in range(1, 7)}
    assert client.top(1, 0).endswith(b"Subject: tricky\r\n\r\n")
    client.quit()


def test_empty_mailbox(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve([])
    client = client_for(server, certificates, Security.NONE)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    assert client.stat() == (0, 0)
    assert client.list_sizes() == {}
    assert client.unique_ids() == {}
    client.quit()


def test_size_cap_skips_the_message_and_keeps_the_session_in_step(serve: ServerFactory,
                                                                  certificates: TestCertificates) -> None:
    server = serve([TRICKY, *SMALL])
    client = client_for(server, certificates, Security.NONE)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    results = list(client.retrieve_many([(1, None), (2, None)], pipelined=True, max_bytes=64 * 1024))
    assert isinstance(results[0].error, MessageTooLarge)
    assert results[1].data == SMALL[0]
    client.noop()
    client.quit()


def test_a_whole_pipelined_window_fits_in_the_send_buffer(serve: ServerFactory) -> None:
    # Sending a batch must never wait for the server to read: it may be waiting for us to read its
    # replies (RFC 2449 section 6.6). So the connection's send buffer takes a full window of RETR
    # and LIST sentinels for message numbers of six digits, whatever the system default.
    server = serve()
    sock = open_tcp("127.0.0.1", server.address[1], timeout=5.0)
    try:
        batch = b"".join(f"RETR {number}\r\nLIST {number}\r\n".encode()
                         for number in range(100_000, 100_000 + PIPELINE_WINDOW))
        assert len(batch) <= SEND_BUFFER_BYTES <= sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    finally:
        sock.close()


def test_dele_takes_effect_only_at_quit_and_abort_undoes_it(serve: ServerFactory,
                                                             certificates: TestCertificates) -> None:
    server = serve()
    client = client_for(server, certificates, Security.NONE)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    assert client.delete_many([1, 2], pipelined=True) == [1, 2]
    client.abort()
    assert len(server.mailbox.current_uidls()) == 5
    assert session_commands(server)[-2:] == ["RSET", "QUIT"]
    again = client_for(server, certificates, Security.NONE)
    again.connect()
    again.login("alice", "secret", allow_insecure_auth=True)
    again.delete_many([1, 2], pipelined=False)
    again.quit()
    assert server.mailbox.current_uidls() == ["uid-3", "uid-4", "uid-5"]


def test_a_server_dropping_pipelined_commands_is_a_stall_with_commands_in_flight(
        serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(faults=Faults(out_of_step_pipelining=True))
    client = client_for(server, certificates, Security.NONE, timeout=1.0)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    with pytest.raises(PipelineStalled, match="pipelined commands in flight"):
        list(client.retrieve_many([(n, None) for n in range(1, 6)], pipelined=True))
    client.abort()


def test_duplicated_reply_is_detected(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(faults=Faults(duplicate_reply_to="DELE"))
    client = client_for(server, certificates, Security.NONE)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    with pytest.raises(OutOfStep):
        client.delete_many([1, 2, 3], pipelined=True)
    client.abort()
    assert len(server.mailbox.current_uidls()) == 5  # closed without QUIT: nothing deleted


def test_garbage_reply_is_a_protocol_error(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(faults=Faults(garbage_reply_to="STAT"))
    client = client_for(server, certificates, Security.NONE)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    with pytest.raises(ProtocolError, match="unexpected reply"):
        client.stat()
    client.abort()


def test_silent_server_times_out(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(faults=Faults(stall_mid_retr=1))
    client = client_for(server, certificates, Security.NONE, timeout=0.5)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    with pytest.raises(ServerTimeout, match="stopped responding"):
        client.retrieve(1)
    client.abort()


def test_cancel_interrupts_a_blocked_read(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(faults=Faults(stall_verbs={"RETR"}))
    cancel = CancelToken()
    client = client_for(server, certificates, Security.NONE, timeout=30.0, cancel=cancel)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    timer = threading.Timer(0.3, cancel.cancel)
    timer.start()
    with pytest.raises(Cancelled):
        client.retrieve(1)
    timer.join()
    client.abort()


def test_connection_refused_is_a_connect_error() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectError, match="refused"):
        Pop3Client("127.0.0.1", port, Security.TLS, timeout=2).connect()


def test_no_uidl_raises_permanent_error(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(faults=Faults(no_uidl=True))
    client = client_for(server, certificates, Security.NONE)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    assert not client.capabilities.uidl
    with pytest.raises(PermanentServerError):
        client.unique_ids()
    client.quit()


def test_listing_lines_are_parsed_leniently_and_garbage_is_refused() -> None:
    from app.core.pop3.listing import LISTING_LINE as _LISTING_LINE

    body = b"1 120\r\n2\t\t340 extra info\r\n  3 uid-3\r\n"
    assert _LISTING_LINE.findall(body) == [(b"1", b"120"), (b"2", b"340"), (b"3", b"uid-3")]
    assert len(_LISTING_LINE.findall(b"1 120\r\nnot a line\r\n")) == 1  # the caller compares counts


def test_malformed_listing_is_a_protocol_error(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(faults=Faults(garbage_reply_to="UIDL"))
    client = client_for(server, certificates, Security.NONE)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    with pytest.raises(ProtocolError):
        client.unique_ids()
    client.abort()


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word (nor completes TLS)."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    yield listener.getsockname()[1]
    listener.close()


def test_cancel_interrupts_a_stalled_tls_handshake(silent_listener: int) -> None:
    import time

    cancel = CancelToken()
    client = Pop3Client("127.0.0.1", silent_listener, Security.TLS, timeout=30.0, cancel=cancel)
    timer = threading.Timer(0.3, cancel.cancel)
    timer.start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        client.connect()
    timer.join()
    assert time.monotonic() - started < 5  # not the 30 s timeout


def test_stalled_tls_handshake_times_out(silent_listener: int) -> None:
    client = Pop3Client("127.0.0.1", silent_listener, Security.TLS, timeout=0.6)
    with pytest.raises(ConnectError, match="timed out"):
        client.connect()


def test_silent_greeting_times_out_and_cancel_works_there_too(silent_listener: int) -> None:
    client = Pop3Client("127.0.0.1", silent_listener, Security.NONE, timeout=0.6)
    with pytest.raises(ServerTimeout):
        client.connect()
