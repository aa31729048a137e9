"""What build_deb.sh generates at build time: poplark(1), bash and zsh completion, the copyright file,
and the version agreement between pyproject.toml, the Debian changelog and the AppStream releases."""

from __future__ import annotations

import argparse
import ast
import importlib.util
import re
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from types import ModuleType

import pytest

from app.cli.parser import build_parser
from app.core.components import COMPONENTS, about_components
from tests.conftest import REPOSITORY, skip_or_fail

LINUX = REPOSITORY / "packaging" / "linux"
METAINFO = LINUX / "io.github.poplark.Poplark.metainfo.xml"


def _script(name: str) -> ModuleType:
    specification = importlib.util.spec_from_file_location(name, LINUX / f"{name}.py")
    assert specification is not None and specification.loader is not None
    module = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(module)
    return module


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"{name} is missing (apt install {package}; .ci/system-packages.sh test installs it)")
    assert path is not None
    return path


def _commands(parser: argparse.ArgumentParser,
              prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                found.append(((*prefix, name), subparser))
                found.extend(_commands(subparser, (*prefix, name)))
    return found


@pytest.fixture(scope="module")
def manual_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("man") / "poplark.1"
    assert _script("make_manpage").main([str(output)]) == 0
    return output


def test_the_man_page_renders_without_a_warning(manual_page: Path) -> None:
    groff = _tool("groff", "groff-base")  # -k: preconv, as man does (help texts hold Chinese examples)
    result = subprocess.run([groff, "-k", "-man", "-Tutf8", "-ww", "-z", str(manual_page)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_the_man_page_has_every_command_and_option_of_the_parser(manual_page: Path) -> None:
    page = manual_page.read_text("utf-8")
    for words, subparser in _commands(build_parser()):
        # A command that only groups others ("account": account add, account list ...) has no section.
        only_groups = bool(_commands(subparser)) and not [
            action for action in subparser._actions
            if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)]
        assert only_groups or f'.SS "poplark {" ".join(words)}"'.replace("-", "\\-") in page, words
        for action in subparser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option.replace("-", "\\-") in page, (words, option)
    assert "\\-\\-self\\-test" in page and "POPLARK_HOME" in page
    assert '.TH POPLARK 1 "2026-11-26"' in page  # the newest release's date: a rebuild is byte-identical


@pytest.fixture(scope="module")
def completions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    bash, zsh = _script("make_completions").write_completions(tmp_path_factory.mktemp("completions"))
    return bash, zsh


def _complete_in_bash(script: Path, words: list[str]) -> list[str]:
    """What bash offers after typing ``words`` (the last one unfinished) with the completion loaded."""
    quoted = " ".join(f"'{word}'" for word in words)
    program = (f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; "
               "_shtab_poplark; printf '%s\\n' \"${COMPREPLY[@]}\"")
    result = subprocess.run([_tool("bash", "bash"), "-c", program], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_bash_completes_commands_options_and_choices(completions: tuple[Path, Path]) -> None:
    bash, _ = completions
    assert _complete_in_bash(bash, ["poplark", "acc"]) == ["account"]
    assert "remove" in _complete_in_bash(bash, ["poplark", "account", ""])
    assert _complete_in_bash(bash, ["poplark", "account", "add", "x", "--secu"]) == ["--security"]
    assert sorted(_complete_in_bash(bash, ["poplark", "account", "add", "x", "--security", ""])) == \
        ["none", "starttls", "tls"]
    assert _complete_in_bash(bash, ["poplark", "--self"]) == ["--self-test"]


def test_zsh_completion_parses_and_knows_every_command(completions: tuple[Path, Path]) -> None:
    _, zsh = completions
    result = subprocess.run([_tool("zsh", "zsh"), "-n", str(zsh)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    text = zsh.read_text("utf-8")
    assert text.startswith("#compdef poplark")
    for words, _ in _commands(build_parser()):
        assert f"    {words[-1]}:'" in text, words


def _paragraphs(text: str) -> list[dict[str, str]]:
    paragraphs = []
    for block in text.strip().split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith(" ") and key:
                fields[key] += "\n" + line
            else:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        paragraphs.append(fields)
    return paragraphs


def test_the_copyright_file_lists_every_shipped_component_and_each_licence_text() -> None:
    text = _script("make_copyright").copyright_file("usr/lib/poplark")
    paragraphs = _paragraphs(text)
    assert paragraphs[0]["Format"].startswith("https://www.debian.org/doc/packaging-manuals/copyright-format/1.0")
    files = [paragraph for paragraph in paragraphs if "Files" in paragraph]
    assert files[0]["Files"] == "*" and files[0]["License"] == "MIT"
    used = {name.strip() for paragraph in files for name in re.split(r" and | or ", paragraph["License"])}
    texts = {paragraph["License"].splitlines()[0] for paragraph in paragraphs
             if "Files" not in paragraph and "License" in paragraph}
    assert used == texts  # each licence named has its text (or its common-licenses path), none unused
    # Qt's paragraph comes after PySide6's: in DEP-5 the last matching Files pattern wins.
    patterns = [paragraph["Files"] for paragraph in files]
    assert [index for index, pattern in enumerate(patterns) if "PySide6/*" in pattern] < \
        [index for index, pattern in enumerate(patterns) if "PySide6/Qt/*" in pattern]
    for component in about_components():
        assert component.name in text, component.name
    assert all(component.copyright for component in COMPONENTS)


def _newest_release() -> ElementTree.Element:
    release = ElementTree.parse(METAINFO).getroot().find("releases/release")
    assert release is not None
    return release


def test_the_versions_agree() -> None:
    version = tomllib.loads((REPOSITORY / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    first_line = (LINUX / "changelog").read_text("utf-8").splitlines()[0]
    assert first_line.startswith(f"poplark ({version}) ")
    assert _newest_release().get("version") == version
    from app import __version__

    assert __version__ == version


def test_the_newest_release_has_notes_and_the_metainfo_has_screenshots_from_docs() -> None:
    root = ElementTree.parse(METAINFO).getroot()
    assert _newest_release().find("description/p") is not None
    images = [image.text or "" for image in root.iter("image")]
    assert len(images) >= 3
    homepage = root.find("url[@type='homepage']")
    assert homepage is not None and homepage.text
    repository = homepage.text.removeprefix("https://github.com/")
    for url in images:
        prefix = f"https://raw.githubusercontent.com/{repository}/main/"
        assert url.startswith(prefix), url
        assert (REPOSITORY / url.removeprefix(prefix)).is_file(), url


def test_the_spec_keeps_qt_translations_for_english_and_chinese_only() -> None:
    tree = ast.parse((REPOSITORY / "packaging" / "poplark.spec").read_text("utf-8"))
    pattern = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                   and any(isinstance(target, ast.Name) and target.id == "KEPT_TRANSLATION" for target in node.targets))
    assert isinstance(pattern, ast.Call)
    kept = re.compile(ast.literal_eval(pattern.args[0]))
    for name in ("qtbase_zh_CN.qm", "qtbase_en.qm", "qt_zh_CN.qm", "qtwebengine_locales/zh-CN.pak",
                 "qtwebengine_locales/en-US.pak"):
        assert kept.fullmatch(name), name
    for name in ("qtbase_de.qm", "qt_help_zh_CN.qm", "qtdeclarative_zh_CN.qm", "qtwebengine_locales/fr.pak"):
        assert not kept.fullmatch(name), name
