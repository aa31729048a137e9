"""The command line starts light: ``poplark fetch`` from cron, or a no-op check of a big mailbox,
must not pay for composing, sending, the address book or the reader (issue 12: a no-op check under
0.15 s, start-up included). Each command imports what it needs when it runs."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPOSITORY

#: Modules a command that neither reads, writes nor completes mail has no use for (the rules'
#: matching code and the junk filter load in the new-mail step, when a rule or a trained filter
#: has work to do).
HEAVY = ("app.core.compose", "app.core.send", "app.core.message.view", "app.core.remote", "app.core.rules.apply",
         "app.core.junk", "app.ui", "PySide6", "smtplib", "email.policy", "email.mime", "pypinyin", "http.client",
         "urllib.request", "xml", "dns")


def _command_names() -> set[str]:
    from app.cli import _HANDLERS

    return set(_HANDLERS)


def imported_by(arguments: list[str], profile: Path) -> set[str]:
    code = ("import json, sys\n"
            "from app.cli import main\n"
            f"code = main(['--profile', {str(profile)!r}, *{arguments!r}])\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                               cwd=REPOSITORY, check=False)
    assert completed.stdout.strip(), completed.stderr
    return set(json.loads(completed.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("arguments", [["account", "list"], ["fetch"], ["list"]], ids=" ".join)
def test_a_headless_command_imports_nothing_heavy(arguments: list[str], tmp_path: Path) -> None:
    modules = imported_by(arguments, tmp_path / "profile")
    heavy = sorted(name for name in modules if name.startswith(HEAVY))
    assert heavy == []


#: What a fetch loads only when it has a use for it: the address book (seen addresses are written
#: by the GUI), the rules' model (read when a rule is enabled), the provider table (an error's advice),
#: the other commands' modules (only the command being run has its grammar built).
FETCH_LOADS_LATER = ("app.core.contacts", "app.core.rules.model", "app.core.providers", "app.cli.contacts",
                     "app.cli.remote", "app.cli.sending", "app.cli.junk", "app.cli.folders", "app.cli.tagging",
                     "app.cli.rules", "app.cli.reading")


def test_a_fetch_loads_only_what_a_fetch_uses(tmp_path: Path) -> None:
    modules = imported_by(["fetch"], tmp_path / "profile")
    assert "app.cli.fetching" in modules
    assert sorted(name for name in modules if name.startswith(FETCH_LOADS_LATER)) == []


def test_every_command_has_a_handler_that_imports() -> None:
    from app.cli import _HANDLERS, _handler
    from app.cli.parser import build_parser

    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    assert set(commands.choices) == set(_HANDLERS)
    for command in _HANDLERS:
        assert callable(_handler(command)), command


def help_text(parser: argparse.ArgumentParser, arguments: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        parser.parse_args(arguments)
    return capsys.readouterr().out


@pytest.mark.parametrize("command", sorted(_command_names()))
def test_the_grammar_of_one_command_is_the_same_as_in_the_whole(command: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # A run builds only its command's grammar (start-up time); it must not differ from the whole.
    from app.cli.parser import build_parser

    whole = help_text(build_parser(), [command, "--help"], capsys)
    assert help_text(build_parser(command), [command, "--help"], capsys) == whole
    assert command in whole


def test_the_command_word_is_found_only_after_the_profile_option() -> None:
    from app.cli.parser import command_word

    assert command_word(["fetch", "--quiet"]) == "fetch"
    assert command_word(["--profile", "fetch", "list"]) == "list"  # a profile folder named "fetch"
    assert command_word(["--profile=p", "account", "list"]) == "account"
    assert command_word(["--version"]) is None
    assert command_word(["-h", "fetch"]) is None
    assert command_word([]) is None


def test_the_bundle_carries_every_command_module() -> None:
    # Modules imported by name escape PyInstaller's analysis: the spec collects app.cli whole.
    from app.cli import _HANDLERS

    assert all(module.startswith("app.cli.") for module, _ in _HANDLERS.values())
    spec = (REPOSITORY / "packaging" / "poplark.spec").read_text("utf-8")
    assert 'hiddenimports += collect_submodules("app.cli")' in spec
