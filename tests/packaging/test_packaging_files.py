"""Packaging files that are cheap to check in every test run (the .deb itself: `make package-test`)."""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPOSITORY, skip_or_fail

APP_ID = "io.github.poplark.Poplark"
LINUX = REPOSITORY / "packaging" / "linux"
DESKTOP_FILE = LINUX / f"{APP_ID}.desktop"
METAINFO_FILE = LINUX / f"{APP_ID}.metainfo.xml"
SPEC_FILE = REPOSITORY / "packaging" / "poplark.spec"


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"{name} is missing (apt install {package}; .ci/system-packages.sh test installs it)")
    assert path is not None
    return path


def test_packaging_is_not_a_python_package() -> None:
    # An __init__.py would shadow the `packaging` library that pip, pytest and setuptools import.
    assert not (REPOSITORY / "packaging" / "__init__.py").exists()


def test_desktop_file_validates() -> None:
    result = subprocess.run([_tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP_FILE)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_validates() -> None:
    result = subprocess.run([_tool("appstreamcli", "appstream"), "validate", "--no-net", str(METAINFO_FILE)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_file_matches_the_application() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(DESKTOP_FILE, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Icon"] == APP_ID
    assert desktop["Exec"].split()[0] == "poplark"
    assert f"<launchable type=\"desktop-id\">{APP_ID}.desktop</launchable>" in METAINFO_FILE.read_text("utf-8")
    assert f"<id>{APP_ID}</id>" in METAINFO_FILE.read_text("utf-8")
    # Qt's xcb WM_CLASS is (binary name, applicationName): ("poplark", "Poplark"). Docks match the class.
    application = (REPOSITORY / "app" / "ui" / "application.py").read_text("utf-8")
    assert f'setApplicationName("{desktop["StartupWMClass"]}")' in application
    assert f'setDesktopFileName("{APP_ID}")' in application


def test_spec_bundles_the_resources_and_no_plain_text_keyring() -> None:
    spec = SPEC_FILE.read_text("utf-8")
    assert re.search(r'datas = \[\(str\(ROOT / "app" / "resources"\), "resources"\)\]', spec)
    assert 'copy_metadata("keyring")' in spec and 'collect_submodules("keyring.backends")' in spec
    assert '"keyrings.alt"' in spec.split("excludes = [", 1)[1].split("]", 1)[0]
    assert (REPOSITORY / "packaging" / "poplark_launcher.py").is_file()
    for size in (16, 32, 48, 64, 128, 256):
        assert (REPOSITORY / "app" / "resources" / "icons" / f"poplark-{size}.png").is_file()


def test_windows_icon_holds_every_size(tmp_path: Path) -> None:
    specification = importlib.util.spec_from_file_location(
        "make_ico", REPOSITORY / "packaging" / "windows" / "make_ico.py")
    assert specification is not None and specification.loader is not None
    module = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(module)
    output = tmp_path / "poplark.ico"
    assert module.main([str(output)]) == 0
    data = output.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, 6)
    widths = sorted(data[6 + 16 * index] or 256 for index in range(count))
    assert widths == [16, 32, 48, 64, 128, 256]


def _self_test(*arguments: str, profile: Path) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", POPLARK_HOME=str(profile))
    return subprocess.run([sys.executable, "-m", "app", "--self-test", *arguments], cwd=REPOSITORY,
                          env=environment, capture_output=True, text=True, timeout=60)


def test_self_test_runs_offscreen(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    result = _self_test(profile=profile)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("self-test: ok"), result.stdout
    assert any(line.startswith("webengine: QtWebEngine ") for line in lines), result.stdout
    assert any(line.startswith("search-index: lz4 ") for line in lines), result.stdout
    # Poplark's and Qt's own Chinese strings load (Qt's from PySide6's translations folder).
    assert any(line.startswith("translations: poplark zh_CN, qtbase zh_CN") for line in lines), result.stdout
    assert not any(line.startswith("html: ") for line in lines)  # rendering is for the package tests only
    keyring_lines = [line for line in lines if line.startswith("keyring: ")]
    assert len(keyring_lines) == 1, result.stdout
    assert keyring_lines[0].endswith("(secure)") or "none available" in keyring_lines[0]
    assert (profile / "poplark.sqlite3").is_file()
    assert not list(profile.glob("*.ini")), "the self-test left its settings file behind"


def test_self_test_renders_html_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The package tests set this: only a rendered page proves a slimmed bundle still has what QtWebEngine loads.
    monkeypatch.setenv("POPLARK_SELF_TEST_HTML", "1")
    result = _self_test(profile=tmp_path / "profile")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "html: a message rendered in the HTML view" in result.stdout.splitlines()


def test_the_packaging_scripts_parse() -> None:
    for script in ("wheel_test.sh", "linux/build_deb.sh", "linux/package_test.sh", "linux/check_bundle.sh"):
        path = REPOSITORY / "packaging" / script
        assert os.access(path, os.X_OK), script
        result = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, (script, result.stderr)


def test_self_test_reports_a_failure_in_one_line(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    result = _self_test(profile=not_a_directory / "profile")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("self-test: FAILED while opening the profile's mail store")


@pytest.mark.parametrize("extra", [["fetch"], ["--bogus"]])
def test_self_test_takes_no_other_arguments(tmp_path: Path, extra: list[str]) -> None:
    result = _self_test(*extra, profile=tmp_path)
    assert result.returncode == 2
    assert "--self-test takes no other arguments" in result.stderr
