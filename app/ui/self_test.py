"""``poplark --self-test``: start the real GUI stack once, check it, say "self-test: ok", leave.

Used by the package tests (the installed .deb, the frozen bundle) and by users reporting problems.
It opens the profile's store, builds and shows the main window, turns the event loop, checks that the
bundled resources and translations (Poplark's and Qt's) are there, and reports which password store is
in use. A missing keyring is not a failure: the app then asks for passwords per session, and the line
says so. With POPLARK_SELF_TEST_HTML=1 it also renders an HTML message (app/ui/self_test_html.py).

It never hangs: the checks run from the event loop inside ``try/finally`` that always ends the loop
(an exception in a slot does not stop Qt's loop by itself), and a watchdog timer ends it regardless.
Nothing global is touched: the window's QSettings is an INI file inside the profile, removed again.
"""

from __future__ import annotations

import time
from pathlib import Path

#: Seconds the event loop may run before the self-test gives up (a stuck keyring, a stuck platform).
WATCHDOG_SECONDS = 60
SETTINGS_FILE_NAME = "self-test-settings.ini"
#: A string of Qt's own (its standard Cancel button), as a tuple so that lupdate, which collects every
#: translate("context", "text") it sees, does not take it for one of Poplark's strings.
QT_CANCEL = ("QPlatformTheme", "Cancel")


class SelfTestFailure(Exception):
    """A check failed; the message is the one-line reason shown to the user."""


def _say(line: str) -> None:
    print(line, flush=True)


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def run_self_test(profile_directory: str | None) -> int:
    """0 when everything the desktop app needs works, 1 (with a one-line reason) otherwise."""
    started = time.monotonic()
    step = "starting Qt"
    try:
        from PySide6.QtCore import QSettings, QTimer

        from app.ui.application import create_application

        application = create_application()
        _say(f"platform: {application.platformName()}")
    except Exception as error:  # noqa: BLE001 - any failure becomes the one-line reason
        _say(f"self-test: FAILED while {step}: {_describe(error)}")
        return 1

    state: dict[str, object] = {"rc": 1, "reason": "the event loop ended before the checks ran"}
    resources: list[object] = []  # store, window, settings file: closed in the finally below

    def checks() -> None:
        nonlocal step
        try:
            step = "checking the bundled resources"
            _check_resources()
            step = "opening the profile's mail store"
            from app.core.store import Profile, Store

            profile = Profile.locate(profile_directory)
            store = Store.open(profile)
            resources.append(store)
            _say(f"profile: {profile.directory}")
            step = "packing the search index's text"
            from app.core.store.search_index import check_text_packing

            _say(f"search-index: {check_text_packing()}")
            step = "building the main window"
            from app.ui.icons import application_icon
            from app.ui.main_window import MainWindow

            application.setWindowIcon(application_icon())
            settings_path = profile.directory / SETTINGS_FILE_NAME
            resources.append(settings_path)
            settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
            window = MainWindow(store, profile, settings=settings, quit_application_on_close=False)
            resources.append(window)
            step = "showing the main window"
            window.show()
            for _ in range(5):
                application.processEvents()
            if not window.isVisible():
                raise SelfTestFailure("the main window did not become visible")
            step = "loading QtWebEngine (for HTML mail)"
            # Import only: the import proves the bundle carries the library (a page would start
            # Chromium, which takes seconds, and as root needs app/ui/webengine_sandbox.py).
            from PySide6 import QtWebEngineCore

            version: object = QtWebEngineCore.qWebEngineChromiumVersion()  # str at run time, bytes in the stubs
            shown = version.decode() if isinstance(version, bytes) else str(version)
            _say(f"webengine: QtWebEngine {shown} available")
            from app.ui import self_test_html

            if self_test_html.wanted():  # POPLARK_SELF_TEST_HTML=1: the package tests
                step = "rendering an HTML message"
                _say(self_test_html.render_check())
            step = "checking the keyring"
            _say(_keyring_line())
            state["rc"] = 0
        except Exception as error:  # noqa: BLE001 - any failure becomes the one-line reason
            state["reason"] = f"while {step}: {_describe(error)}"
        finally:
            application.exit(0)

    def watchdog() -> None:
        state["reason"] = f"timed out after {WATCHDOG_SECONDS} s while {step}"
        application.exit(1)

    QTimer.singleShot(0, checks)
    QTimer.singleShot(WATCHDOG_SECONDS * 1000, watchdog)
    try:
        application.exec()
    finally:
        _release(resources)
    if state["rc"] == 0:
        _say(f"self-test: ok ({time.monotonic() - started:.2f} s)")
        return 0
    _say(f"self-test: FAILED {state['reason']}")
    return 1


def _check_resources() -> None:
    from app.core.providers import load_providers, resources_directory

    directory = resources_directory()
    icon = directory / "icons" / "poplark-256.png"
    if not icon.is_file():
        raise SelfTestFailure(f"the application icon is missing ({icon})")
    if not load_providers():
        raise SelfTestFailure(f"the provider table in {directory} is empty")
    _say(f"resources: {directory}")
    _say(_check_translations(directory / "translations"))


def _check_translations(directory: Path) -> str:
    """Poplark's Chinese strings and Qt's own (standard buttons, file dialogs) both load."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    ours = QTranslator()
    if not ours.load(QLocale("zh_CN"), "poplark", "_", str(directory)) or ours.isEmpty():
        raise SelfTestFailure(f"Poplark's Chinese translation is missing from {directory}")
    qt_directory = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator()
    # The bundle keeps Qt's English and Chinese files only (packaging/poplark.spec): Chinese must be there.
    loaded = qt.load(QLocale("zh_CN"), "qtbase", "_", qt_directory)
    if not loaded or qt.translate(*QT_CANCEL) != "取消":
        raise SelfTestFailure(f"Qt's Chinese translation (qtbase_zh_CN.qm) is missing from {qt_directory}")
    return f"translations: poplark zh_CN, qtbase zh_CN ({qt_directory})"


def _keyring_line() -> str:
    from app.core import credentials

    try:
        secure = credentials.secure_storage_available()
        name = credentials.backend_name() if secure else ""
    except Exception as error:  # noqa: BLE001 - a broken keyring is reported, not fatal
        return f"keyring: none available (passwords will be asked per session): {_describe(error)}"
    if secure:
        return f"keyring: {name} (secure)"
    return f"keyring: none available (passwords will be asked per session): {credentials.NO_KEYRING_ADVICE}"


def _release(resources: list[object]) -> None:
    """Close the window and the store, delete the temporary settings file; never raise."""
    for resource in reversed(resources):
        try:
            if isinstance(resource, Path):
                resource.unlink(missing_ok=True)
            elif hasattr(resource, "close_for_good"):
                resource.close_for_good()
                resource.hide()  # type: ignore[attr-defined]
            elif hasattr(resource, "close"):
                resource.close()
        except Exception as error:  # noqa: BLE001 - cleanup must not hide the verdict
            _say(f"self-test: warning: cleanup failed: {_describe(error)}")
