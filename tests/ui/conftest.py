"""UI fixtures: QtWebEngine set up for tests; the shipped Chinese translation for one test."""

from __future__ import annotations

import os

# QtWebEngine (the HTML message view) refuses to start as root with its sandbox on, and there
# is no GPU here. The app decides the sandbox itself at start-up (app/ui/webengine_sandbox.py);
# these tests build views without that start, so they set it here, before any QApplication.
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --disable-software-rasterizer")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app.core.providers import resources_directory
from app.ui.widgets.mail_scheme import register_url_scheme
from tests.ui.contacts_fixtures import contacts_store, contacts_worker  # noqa: F401  (address book fixtures)
from tests.ui.mailbox_window import mailbox_window  # noqa: F401  (a fixture, shared by the mailbox tests)

register_url_scheme()  # QtWebEngine's rule: custom schemes before the QApplication exists

TRANSLATIONS = resources_directory() / "translations"


@pytest.fixture(autouse=True)
def no_discovery_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """An address typed in an account dialog looks its domain up (autodiscovery): in tests never
    on the real network. The discovery tests point the dialog at their own loopback servers."""
    from app.core.discovery.discover import DiscoveryNetwork
    from app.core.discovery.dns_lookup import DnsResolver
    from app.ui.dialogs.account_dialog import discovery

    nowhere = DiscoveryNetwork(resolver=DnsResolver(("127.0.0.1", 9), timeout=0.5), autoconfig_urls=(),
                               probe_ports=(), timeout=0.5)
    monkeypatch.setattr(discovery, "DEFAULT_NETWORK", nowhere)


@pytest.fixture(autouse=True)
def no_desktop_notifications(monkeypatch: pytest.MonkeyPatch) -> None:
    """New-mail notices go to the tray's balloon in tests, never to the desktop of whoever runs
    them; tests/ui/test_notifications.py brings its own notification daemon and turns this off."""
    from app.ui import notifications

    monkeypatch.setattr(notifications, "session_bus_available", lambda: False)


def translation_file(language: str, suffix: str) -> Path:
    return TRANSLATIONS / f"poplark_{language}.{suffix}"


@pytest.fixture
def chinese_ui(qapp: QApplication) -> Iterator[QTranslator]:
    """Poplark's zh_CN strings, Qt's own (OK, Cancel) and a zh_CN default locale, as
    app.ui.application sets them up on a Chinese desktop; all removed afterwards."""
    previous_locale = QLocale()
    translator = QTranslator()
    assert translator.load(str(translation_file("zh_CN", "qm"))), "run app/resources/translations/update.sh"
    qt_translator = QTranslator()
    qt_translator.load(QLocale("zh_CN"), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    for installed in (qt_translator, translator):
        if not installed.isEmpty():
            assert qapp.installTranslator(installed)
    QLocale.setDefault(QLocale("zh_CN"))
    yield translator
    for installed in (translator, qt_translator):
        qapp.removeTranslator(installed)
    QLocale.setDefault(previous_locale)


CORPUS = Path(__file__).resolve().parent.parent / "corpus"


class CorpusStore:
    """A real store file with one account, filled with messages on request (the viewer's tests)."""

    def __init__(self, path: Path) -> None:
        from app.core.model import Account, Security
        from app.core.store import Store

        self.path = path
        self.store = Store(path)
        self.account = self.store.add_account(Account(name="reader", host="127.0.0.1", port=110,
                                                      security=Security.NONE, user="reader"))
        self._count = 0

    def add(self, raw: bytes) -> int:
        """Store ``raw`` as a fetched message; return its id."""
        self._count += 1
        summary = self.store.add_message(self.account, f"uid-{self._count}", raw)
        self.store.commit()
        return summary.id

    def add_corpus(self, name: str) -> int:
        return self.add((CORPUS / name).read_bytes())


@pytest.fixture
def corpus_store(tmp_path: Path) -> Iterator[CorpusStore]:
    holder = CorpusStore(tmp_path / "mail.sqlite3")
    yield holder
    holder.store.close()


@pytest.fixture
def release_web_pages(qapp: QApplication) -> Iterator[None]:
    """Delete the test's closed widgets (pytest-qt only schedules it) before the next test, so no
    QtWebEngine page outlives the shared mail profile when the process ends."""
    yield
    from PySide6.QtCore import QEvent

    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
