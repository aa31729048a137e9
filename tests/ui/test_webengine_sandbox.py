"""HTML mail as root: QtWebEngine's sandbox is switched off before it starts, with a line in the log.

The decision is tested for both euids; as root (which CI is), the real start-up path renders an
HTML message in a process of its own whose environment does not switch the sandbox off, as
``make run`` on a fresh container does.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.model import Account, Security
from app.core.store import Profile, Store
from app.ui.webengine_sandbox import ROOT_NOTICE, prepare_webengine, sandbox_already_off, sandbox_environment

ROOT = Path(__file__).resolve().parents[2]

#: The app's start (create_application) and then one HTML message in the real view; prints the
#: text the page shows. Exit 0 only when the message was rendered.
RENDER_AS_APP = """
import sys
from PySide6.QtCore import QTimer
from app.ui.application import create_application

application = create_application()
from app.ui.widgets.html_view import HtmlMessageView

view = HtmlMessageView()
view.resize(400, 300)
view.show()

def rendered():
    def shown(text):
        print("page-text:", text, flush=True)
        application.exit(0 if "Hello from root" in text else 3)
    view.page().toPlainText(shown)

view.rendered.connect(rendered)
view.show_document("<p>Hello from root</p>", {}, allow_remote=False)
QTimer.singleShot(60000, lambda: application.exit(2))
code = application.exec()
del view
sys.exit(code)
"""


@pytest.mark.parametrize(("euid", "environ", "expected"), [
    (0, {}, {"QTWEBENGINE_DISABLE_SANDBOX": "1"}),
    (0, {"QTWEBENGINE_DISABLE_SANDBOX": "0"}, {"QTWEBENGINE_DISABLE_SANDBOX": "1"}),
    (0, {"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu"}, {"QTWEBENGINE_DISABLE_SANDBOX": "1"}),
    (0, {"QTWEBENGINE_DISABLE_SANDBOX": "1"}, {}),  # the caller did it already
    (0, {"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu --no-sandbox"}, {}),
    (1000, {}, {}),  # a normal user keeps the sandbox
    (1000, {"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu"}, {}),
    (None, {}, {}),  # no user ids (Windows)
])
def test_the_sandbox_goes_off_only_for_root(euid: int | None, environ: dict[str, str],
                                            expected: dict[str, str]) -> None:
    assert sandbox_environment(euid, environ) == expected


def test_already_off_reads_both_variables() -> None:
    assert not sandbox_already_off({})
    assert sandbox_already_off({"QTWEBENGINE_DISABLE_SANDBOX": "1"})
    assert sandbox_already_off({"QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"})
    assert not sandbox_already_off({"QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandboxes"})


def test_root_gets_the_variable_and_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    environ: dict[str, str] = {"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu"}
    with caplog.at_level(logging.WARNING, logger="poplark.ui.webengine"):
        assert prepare_webengine(environ, euid=0)
    assert environ == {"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu", "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    assert [record.getMessage() for record in caplog.records] == [ROOT_NOTICE]


def test_a_normal_user_changes_nothing_and_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    environ: dict[str, str] = {}
    with caplog.at_level(logging.DEBUG, logger="poplark.ui.webengine"):
        assert not prepare_webengine(environ, euid=1000)
    assert environ == {}
    assert caplog.records == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="shows what happens as root; CI runs the tests as root")
def test_the_app_renders_html_mail_as_root() -> None:
    environ = {name: value for name, value in os.environ.items() if not name.startswith("QTWEBENGINE_")}
    # No GPU here; the sandbox flag is left for the app to decide, as with `make run`.
    environ.update(QT_QPA_PLATFORM="offscreen",
                   QTWEBENGINE_CHROMIUM_FLAGS="--disable-gpu --disable-software-rasterizer")
    result = subprocess.run([sys.executable, "-c", RENDER_AS_APP], cwd=ROOT, env=environ,
                            capture_output=True, text=True, timeout=90, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "page-text: Hello from root" in result.stdout
    assert result.stderr.count(ROOT_NOTICE) == 1


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="shows what happens as root; CI runs the tests as root")
def test_the_whole_app_shows_html_mail_as_root(cli_environment: dict[str, str], tmp_path: Path) -> None:
    """``make run`` as root: the real entry point (through tests/ui/gui_driver.py) opens a stored
    HTML message in the reader, and says once in its log why the sandbox is off."""
    from tests.fakes.app_process import AppProcess

    profile = Profile(Path(cli_environment["POPLARK_HOME"])).ensure()
    with Store.open(profile) as store:
        account = store.add_account(Account(name="root-test", host="127.0.0.1", port=1, security=Security.NONE,
                                            user="root", remember_password=False, check_interval_minutes=0))
        store.add_message(account, "uid-1", b"From: News <news@example.com>\r\nSubject: Monthly news\r\n"
                          b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                          b"<html><body><p>Rendered as root</p></body></html>\r\n")
        store.commit()
    environment = {name: value for name, value in cli_environment.items() if not name.startswith("QTWEBENGINE_")}
    # Empty, so the driver's own default stays unset and the app decides, as with `make run`.
    environment.update(QTWEBENGINE_DISABLE_SANDBOX="",
                       QTWEBENGINE_CHROMIUM_FLAGS="--disable-gpu --disable-software-rasterizer")
    app = AppProcess(environment, tmp_path / "marker").start()
    try:
        before = app.send("select 0")
        shown = app.wait_for(lambda line: line.startswith(("html-shown ", "read-failed ")), 60, before)
    finally:
        exit_code = app.stop()
    assert shown.startswith("html-shown "), shown
    assert app.stderr_tail(100_000).count(ROOT_NOTICE) == 1
    assert exit_code == 0
