"""Autodiscovery in the account dialog (issue 14, item 12): an address of a domain the provider
table does not know fills in the server the domain publishes, with a note that says where it came
from and how sure it is; never on the UI thread, never over what the user typed. Loopback only.
POPLARK_SCREENSHOT_DIR keeps the pictures (docs/account-discovery-*.png)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from app.core.discovery.discover import DiscoveryNetwork
from app.core.discovery.dns_lookup import DnsResolver
from app.core.model import Security
from app.core.store import Store
from app.ui.dialogs.account_dialog import AccountDialog
from tests.conftest import ServerFactory
from tests.fakes.dns_server import FakeDnsServer
from tests.fakes.http_server import FakeHttpServer
from tests.fakes.keyrings import MemoryKeyring
from tests.protocol.test_discovery import AUTOCONFIG_PATH, ISPDB

WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def secure_keyring(memory_keyring: MemoryKeyring) -> MemoryKeyring:
    return memory_keyring


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "poplark.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def loopback() -> Iterator[tuple[FakeDnsServer, FakeHttpServer, DiscoveryNetwork]]:
    with FakeDnsServer() as dns_server, FakeHttpServer() as http_server:
        network = DiscoveryNetwork(resolver=DnsResolver(dns_server.address, timeout=2.0),
                                   autoconfig_urls=(f"{http_server.base}/{{domain}}/mail/config-v1.1.xml",),
                                   probe_ports=(), timeout=2.0)
        yield dns_server, http_server, network


def open_dialog(qtbot: QtBot, store: Store, network: DiscoveryNetwork) -> AccountDialog:
    dialog = AccountDialog(store)
    qtbot.addWidget(dialog)
    dialog.server_discovery.network = network
    dialog.show()
    return dialog


def type_address(qtbot: QtBot, dialog: AccountDialog, address: str) -> None:
    with qtbot.waitSignal(dialog.server_discovery.looked_up, timeout=WAIT_MS):  # after the typing pause
        qtbot.keyClicks(dialog.address_edit, address)  # ASCII: keyClicks is safe here


def keep_picture(qtbot: QtBot, dialog: AccountDialog, name: str) -> None:
    note = dialog.form.provider_note
    qtbot.waitUntil(lambda: note.height() >= note.heightForWidth(note.width()))  # the dialog has grown to fit
    picture = dialog.grab()
    assert not picture.isNull()
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / f"{name}.png"))


def test_the_domains_autoconfig_fills_in_the_server(qtbot: QtBot, store: Store, loopback: tuple[
        FakeDnsServer, FakeHttpServer, DiscoveryNetwork]) -> None:
    _, http_server, network = loopback
    http_server.pages[AUTOCONFIG_PATH] = ISPDB
    dialog = open_dialog(qtbot, store, network)
    type_address(qtbot, dialog, "li.wei@example.test")
    assert dialog.host_edit.text() == "pop3.example.test"
    assert dialog.port_spin.value() == 995
    assert dialog.form.security() is Security.TLS
    assert dialog.user_edit.text() == "li.wei"
    # The SMTP server the same file names fills the Sending tab.
    smtp = dialog.smtp
    assert (smtp.smtp_host_edit.text(), smtp.smtp_port_spin.value(), smtp.security()) == (
        "smtp.example.test", 587, Security.STARTTLS)
    note = dialog.form.provider_note
    assert note.isVisible()
    assert note.text() == ("Found in the settings file example.test publishes, read over an unencrypted "
                           "connection (127.0.0.1): pop3.example.test, port 995, SSL/TLS. Probably right; Test "
                           "connection checks it.")
    keep_picture(qtbot, dialog, "account-discovery-en")


def test_a_guess_says_it_is_a_guess(qtbot: QtBot, store: Store, serve: ServerFactory,
                                    loopback: tuple[FakeDnsServer, FakeHttpServer, DiscoveryNetwork]) -> None:
    dns_server, _, network = loopback
    server = serve([], mode="tls")
    dns_server.add("mail.example.test", "A", "127.0.0.1")
    network = DiscoveryNetwork(resolver=network.resolver, autoconfig_urls=network.autoconfig_urls,
                               probe_ports=((server.address[1], Security.TLS),), timeout=2.0)
    dialog = open_dialog(qtbot, store, network)
    type_address(qtbot, dialog, "li.wei@example.test")
    assert dialog.host_edit.text() == "mail.example.test"
    assert dialog.form.provider_note.text().startswith("Guessed: mail.example.test, port ")
    assert "Not sure" in dialog.form.provider_note.text()


def test_nothing_found_says_what_to_do(qtbot: QtBot, store: Store,
                                       loopback: tuple[FakeDnsServer, FakeHttpServer, DiscoveryNetwork]) -> None:
    dialog = open_dialog(qtbot, store, loopback[2])
    type_address(qtbot, dialog, "li.wei@example.test")
    assert dialog.host_edit.text() == ""
    assert dialog.form.provider_note.text() == ("No server settings were found for example.test. Enter the POP3 "
                                                "server your provider gives (often pop.example.test, port 995).")


def test_a_server_the_user_typed_is_left_alone(qtbot: QtBot, store: Store, loopback: tuple[
        FakeDnsServer, FakeHttpServer, DiscoveryNetwork]) -> None:
    _, http_server, network = loopback
    http_server.pages[AUTOCONFIG_PATH] = ISPDB
    dialog = open_dialog(qtbot, store, network)
    qtbot.keyClicks(dialog.host_edit, "pop.mine.example")
    qtbot.keyClicks(dialog.address_edit, "li.wei@example.test")
    qtbot.wait(800)  # past the typing pause: no search starts for a server the user chose
    assert not dialog.server_discovery.running() and http_server.requests == []
    assert dialog.host_edit.text() == "pop.mine.example"


def test_a_known_provider_needs_no_search(qtbot: QtBot, store: Store, loopback: tuple[
        FakeDnsServer, FakeHttpServer, DiscoveryNetwork]) -> None:
    dns_server, http_server, network = loopback
    dialog = open_dialog(qtbot, store, network)
    qtbot.keyClicks(dialog.address_edit, "someone@qq.com")
    dialog.server_discovery.start()  # as the timer would
    assert not dialog.server_discovery.running()
    assert dialog.host_edit.text() == "pop.qq.com"
    assert dns_server.questions == [] and http_server.requests == []


def test_the_note_in_chinese(qtbot: QtBot, store: Store, chinese_ui: object, loopback: tuple[
        FakeDnsServer, FakeHttpServer, DiscoveryNetwork]) -> None:
    _, http_server, network = loopback
    http_server.pages[AUTOCONFIG_PATH] = ISPDB
    dialog = open_dialog(qtbot, store, network)
    assert QLocale().name() == "zh_CN"
    type_address(qtbot, dialog, "li.wei@example.test")
    assert dialog.host_edit.text() == "pop3.example.test"
    assert "example.test 发布的设置文件" in dialog.form.provider_note.text()
    keep_picture(qtbot, dialog, "account-discovery-zh_CN")
