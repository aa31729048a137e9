"""Self-tests of the private Dovecot fake (tests/fakes/dovecot.py).

The reference client is the standard library (``poplib`` and ``ssl``), never Poplark, so a
failure here points at the fake and not at the code under test. The module is skipped when
Dovecot is not installed.
"""

from __future__ import annotations

import os
import poplib
import re
import socket
import ssl
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

from tests.fakes.dovecot import (
    INSTALL_HINT,
    PrivateDovecot,
    dovecot_binary,
    maildir_virtual_size,
    wire_bytes,
    wire_size,
)

if dovecot_binary() is None:
    if os.environ.get("POPLARK_REQUIRE_DOVECOT") == "1":
        raise RuntimeError(f"Dovecot is required (POPLARK_REQUIRE_DOVECOT=1) but missing; run: {INSTALL_HINT}")
    pytest.skip(f"Dovecot is not installed; run: {INSTALL_HINT}", allow_module_level=True)

pytestmark = pytest.mark.dovecot

USER = "alice"
PASSWORD = "secret"

# Three hostile but realistic messages, in delivery order.
MESSAGES: list[bytes] = [
    # LF line endings as an MDA stores them, plus lines that need dot-stuffing on the wire.
    (
        b"From: Bob <bob@example.org>\nTo: alice@example.org\nSubject: dots\n\n"
        b".hidden behind a dot\n..two dots\n.\nlast line\n"
    ),
    # CRLF endings already, a NUL byte and 8-bit GBK text without any MIME declaration.
    (b"From: carol@example.org\r\nSubject: raw bytes\r\n\r\nnul:\x00:end\r\n" + "中文邮件正文".encode("gbk") + b"\r\n"),
    # No final newline: Dovecot ends the last line itself.
    b"From: dave@example.org\nSubject: tail\n\nno newline at the end",
]


@dataclass
class TlsMaterial:
    certificate_chain: Path
    private_key: Path
    client_context: ssl.SSLContext


@pytest.fixture(scope="module")
def tls_material(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    directory = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    server_certificate = authority.issue_cert("localhost", "127.0.0.1")
    certificate_chain = directory / "server-chain.pem"
    private_key = directory / "server-key.pem"
    # The leaf first, then any intermediates: the order a TLS server sends them in.
    certificate_chain.write_bytes(b"".join(blob.bytes() for blob in server_certificate.cert_chain_pems))
    server_certificate.private_key_pem.write_to_path(private_key)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    return TlsMaterial(certificate_chain, private_key, client_context)


@dataclass
class ServedMailbox:
    server: PrivateDovecot
    delivered: list[Path]


def make_server(base_dir: Path, tls: TlsMaterial) -> PrivateDovecot:
    return PrivateDovecot(
        base_dir,
        cert_chain_pem=tls.certificate_chain,
        key_pem=tls.private_key,
        users={USER: PASSWORD, "bob": "hunter2"},
    )


@pytest.fixture
def served(tmp_path: Path, tls_material: TlsMaterial) -> Iterator[ServedMailbox]:
    """A running server with MESSAGES delivered to alice's new/."""
    instance = make_server(tmp_path / "dovecot", tls_material)
    instance.start()
    try:
        delivered = [instance.deliver(USER, message) for message in MESSAGES]
        yield ServedMailbox(instance, delivered)
    finally:
        # SIGKILL stop: ~40 ms instead of ~1.2 s; the graceful path has its own test below.
        instance.stop(graceful=False)


@pytest.fixture
def server(served: ServedMailbox) -> PrivateDovecot:
    return served.server


def retrieve(client: poplib.POP3, number: int) -> tuple[bytes, int]:
    """RETR through poplib and rebuild the stored bytes.

    poplib strips every line ending and undoes dot-stuffing; with files that contain no bare CR,
    joining the lines with CRLF gives back exactly the bytes that came over the wire.
    """
    _response, lines, octets = client.retr(number)
    return b"".join(line + b"\r\n" for line in lines), octets


def login(client: poplib.POP3) -> None:
    client.user(USER)
    client.pass_(PASSWORD)


def check_mailbox(client: poplib.POP3) -> None:
    """STAT, LIST, UIDL and RETR of the three messages match the byte contract."""
    count, total_size = client.stat()
    assert count == len(MESSAGES)
    assert total_size == sum(maildir_virtual_size(message) for message in MESSAGES)

    _response, listing, _octets = client.list()
    sizes = [int(line.split()[1]) for line in listing]
    assert sizes == [maildir_virtual_size(message) for message in MESSAGES]

    _response, uidl_lines, _octets = client.uidl()
    uidls = [line.split()[1].decode() for line in uidl_lines]
    # %08Xu%08Xv: UID then UIDVALIDITY; UIDs follow delivery order on a fresh Maildir.
    # (Dovecot's %X prints lowercase hex, despite the capital letter.)
    assert all(re.fullmatch(r"[0-9a-f]{16}", uidl) for uidl in uidls)
    assert [uidl[:8] for uidl in uidls] == [f"{number:08x}" for number in (1, 2, 3)]
    assert len({uidl[8:] for uidl in uidls}) == 1

    for number, message in enumerate(MESSAGES, start=1):
        received, octets = retrieve(client, number)
        assert received == wire_bytes(message)
        assert octets == len(received) == wire_size(message)


def wait_for_log(server: PrivateDovecot, text: str, timeout: float = 5.0) -> bool:
    """Dovecot's log process writes asynchronously; poll for a line for a bounded time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in server.log_text():
            return True
        threading.Event().wait(0.02)  # a bounded poll of the log, not a fixed pause
    return False


def count_messages(instance: PrivateDovecot) -> int:
    client = poplib.POP3(instance.host, instance.pop3_port, timeout=10)
    try:
        login(client)
        return client.stat()[0]
    finally:
        client.quit()


def is_alive(process_id: int) -> bool:
    try:
        state = Path(f"/proc/{process_id}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_wire_bytes_rules() -> None:
    assert wire_bytes(b"a\nb\n") == b"a\r\nb\r\n"
    assert wire_bytes(b"a\r\nb") == b"a\r\nb\r\n"
    assert wire_bytes(b"bare\rcr\n") == b"bare\rcr\r\n"
    assert wire_bytes(b"") == b"\r\n"
    for message in MESSAGES:
        assert wire_size(message) == len(wire_bytes(message))
    assert maildir_virtual_size(MESSAGES[2]) == wire_size(MESSAGES[2]) - 2


def test_plain_login_stat_list_uidl_retr(server: PrivateDovecot) -> None:
    client = poplib.POP3(server.host, server.pop3_port, timeout=10)
    try:
        assert client.getwelcome().startswith(b"+OK")
        login(client)
        check_mailbox(client)
    finally:
        client.quit()
    assert wait_for_log(server, "retr=3/")  # pop3_logout_format shows which command ran


def test_stls_on_the_plain_port(server: PrivateDovecot, tls_material: TlsMaterial) -> None:
    client = poplib.POP3(server.host, server.pop3_port, timeout=10)
    try:
        assert "STLS" in client.capa()
        client.stls(context=tls_material.client_context)
        assert isinstance(client.sock, ssl.SSLSocket)
        assert client.sock.version() in {"TLSv1.2", "TLSv1.3"}
        login(client)
        check_mailbox(client)
    finally:
        client.quit()


def test_implicit_tls_port(server: PrivateDovecot, tls_material: TlsMaterial) -> None:
    client = poplib.POP3_SSL(server.host, server.pop3s_port, context=tls_material.client_context, timeout=10)
    try:
        assert isinstance(client.sock, ssl.SSLSocket)
        assert client.sock.version() in {"TLSv1.2", "TLSv1.3"}
        login(client)
        check_mailbox(client)
    finally:
        client.quit()


def test_tls_1_2_accepted_and_1_1_refused_by_the_server(server: PrivateDovecot) -> None:
    for version, accepted in ((ssl.TLSVersion.TLSv1_2, True), (ssl.TLSVersion.TLSv1_1, False)):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        # OpenSSL 3 would not even offer TLS 1.1 at its default security level; level 0 lets
        # the client offer it, so the refusal below is the server's doing.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLSVersion.TLSv1_1
            context.minimum_version = version
            context.maximum_version = version
        with socket.create_connection((server.host, server.pop3s_port), timeout=10) as raw:
            if accepted:
                with context.wrap_socket(raw) as secure:
                    assert secure.version() == "TLSv1.2"
                    assert secure.recv(512).startswith(b"+OK")
            else:
                with pytest.raises(ssl.SSLError):
                    context.wrap_socket(raw)
    assert wait_for_log(server, "unsupported protocol")


def test_apop_login(server: PrivateDovecot) -> None:
    client = poplib.POP3(server.host, server.pop3_port, timeout=10)
    try:
        client.apop(USER, PASSWORD)
        assert client.stat()[0] == len(MESSAGES)
    finally:
        client.quit()


def test_second_user_has_an_empty_mailbox(server: PrivateDovecot) -> None:
    client = poplib.POP3(server.host, server.pop3_port, timeout=10)
    try:
        client.user("bob")
        client.pass_("hunter2")
        assert client.stat() == (0, 0)
    finally:
        client.quit()


def test_dele_then_quit_removes_the_file(served: ServedMailbox) -> None:
    server = served.server
    assert server.message_count_on_server(USER) == 3
    client = poplib.POP3(server.host, server.pop3_port, timeout=10)
    login(client)
    client.dele(2)
    client.quit()
    assert server.message_count_on_server(USER) == 2
    # Dovecot moved the files to cur/ and appended ":2,<flags>"; match by the base name.
    deleted_base_name = served.delivered[1].name
    remaining = [path.name for path in (server.maildir(USER) / "cur").iterdir()]
    assert not any(name.startswith(deleted_base_name) for name in remaining)
    assert wait_for_log(server, "del=1/3")


def test_dele_without_quit_deletes_nothing(server: PrivateDovecot) -> None:
    client = poplib.POP3(server.host, server.pop3_port, timeout=10)
    login(client)
    client.dele(1)
    client.close()  # connection drops before QUIT: no UPDATE state, nothing is expunged
    client = poplib.POP3(server.host, server.pop3_port, timeout=10)
    try:
        login(client)
        assert client.stat()[0] == 3
    finally:
        client.quit()
    assert server.message_count_on_server(USER) == 3


def test_mail_delivered_while_running_keeps_earlier_uidls(server: PrivateDovecot) -> None:
    client = poplib.POP3(server.host, server.pop3_port, timeout=10)
    login(client)
    before = client.uidl()[1]
    client.quit()

    new_message = b"Subject: late arrival\n\nhello\n"
    server.deliver(USER, new_message, name_hint="late/one:2,S")

    client = poplib.POP3(server.host, server.pop3_port, timeout=10)
    try:
        login(client)
        after = client.uidl()[1]
        assert after[:3] == before
        assert len(after) == 4
        assert retrieve(client, 4)[0] == wire_bytes(new_message)
    finally:
        client.quit()


def test_delivered_file_names_and_ownership(served: ServedMailbox) -> None:
    server = served.server
    names = [path.name for path in served.delivered]
    assert names == sorted(names)  # name order is delivery order, so UID order is too
    for path, message in zip(served.delivered, MESSAGES, strict=True):
        assert path.parent == server.maildir(USER) / "new"
        assert path.name.endswith(f",S={len(message)},W={maildir_virtual_size(message)}")
        assert path.read_bytes() == message
        if os.geteuid() == 0:
            assert path.stat().st_uid != 0  # owned by the mail user, never root
    assert not any((server.maildir(USER) / "tmp").iterdir())


def test_deliver_many_keeps_order(tmp_path: Path, tls_material: TlsMaterial) -> None:
    instance = make_server(tmp_path / "dovecot", tls_material)
    messages = [f"Subject: {number}\n\nbody {number}\n".encode() for number in range(50)]
    paths = instance.deliver_many(USER, messages)  # before start(): also supported
    assert instance.message_count_on_server(USER) == 50
    with instance:
        client = poplib.POP3(instance.host, instance.pop3_port, timeout=10)
        try:
            login(client)
            assert client.stat()[0] == 50
            for number in (1, 25, 50):
                assert retrieve(client, number)[0] == wire_bytes(messages[number - 1])
        finally:
            client.quit()
    assert [path.name for path in paths] == sorted(path.name for path in paths)


def test_restart_keeps_uidls(tmp_path: Path, tls_material: TlsMaterial) -> None:
    instance = make_server(tmp_path / "dovecot", tls_material)
    instance.deliver(USER, MESSAGES[0])
    uidl_lists = []
    for _ in range(2):
        with instance:
            client = poplib.POP3(instance.host, instance.pop3_port, timeout=10)
            try:
                login(client)
                uidl_lists.append(client.uidl()[1])
            finally:
                client.quit()
    # dovecot-uidlist (UIDs and UIDVALIDITY) lives in the Maildir, so it survives a restart;
    # only re-creating the Maildir would renumber the messages.
    assert uidl_lists[0] == uidl_lists[1]
    assert len(uidl_lists[0]) == 1


def test_stop_leaves_no_process_and_frees_the_ports(tmp_path: Path, tls_material: TlsMaterial) -> None:
    instance = make_server(tmp_path / "dovecot", tls_material)
    instance.start()
    # Run one real session so that a pop3 mail process has existed too.
    client = poplib.POP3(instance.host, instance.pop3_port, timeout=10)
    login(client)
    client.quit()
    process_ids = instance.process_ids()
    assert instance.master_pid in process_ids
    assert len(process_ids) >= 4  # master, log, config, auth, ...
    ports = (instance.pop3_port, instance.pop3s_port)

    instance.stop()

    assert instance.process_ids() == []
    assert not [process_id for process_id in process_ids if is_alive(process_id)]
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((instance.host, port), timeout=2).close()
    assert "Killed with signal 15" in instance.log_text()  # the graceful doveadm path ran
    instance.stop()  # idempotent


def test_two_instances_side_by_side(tmp_path: Path, tls_material: TlsMaterial) -> None:
    first = make_server(tmp_path / "first", tls_material)
    second = make_server(tmp_path / "second", tls_material)
    with first, second:
        first.deliver(USER, b"Subject: one\n\n1\n")
        assert {first.pop3_port, first.pop3s_port}.isdisjoint({second.pop3_port, second.pop3s_port})
        for instance, expected in ((first, 1), (second, 0)):
            assert count_messages(instance) == expected
        first.stop(graceful=False)
        # Stopping one instance must not touch the other one's processes.
        assert second.master_pid is not None and is_alive(second.master_pid)
        assert count_messages(second) == 0
