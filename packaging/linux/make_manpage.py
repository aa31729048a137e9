"""Write poplark(1), the manual page, from the command line's own parser: it cannot drift from it.

    python packaging/linux/make_manpage.py OUTPUT      (run from the repository root; build_deb.sh does)

Every command, sub-command, argument, default and choice comes from ``app.cli.parser.build_parser``;
the few things the parser does not know (the window that ``poplark`` alone opens, ``--self-test``,
the environment) are written here. A small generator rather than argparse-manpage: the parser has
nested sub-commands (``poplark account add``), which this renders as one section each with its own
options, and the page needs sections the parser cannot give; it also keeps the build free of one more
dependency. The date is the newest release's in the AppStream metainfo, so a rebuild is byte-identical.
"""

from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
METAINFO = ROOT / "packaging" / "linux" / "io.github.poplark.Poplark.metainfo.xml"

ENVIRONMENT = [
    ("POPLARK_HOME", "The profile folder (the mail store and settings) when --profile is not given; "
                     "default: the user data folder, ~/.local/share/Poplark on Linux."),
    ("PYTHON_KEYRING_BACKEND", "The password store to use instead of the one keyring picks "
                               "(for example keyring.backends.SecretService.Keyring)."),
]


def roff(text: str) -> str:
    """Text safe in a roff line: backslashes and hyphens escaped, no line starting a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.MULTILINE)


def release_date() -> str:
    releases = ElementTree.parse(METAINFO).getroot().find("releases")
    first = releases.find("release") if releases is not None else None
    return first.get("date", "") if first is not None else ""


def subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """(name, help, parser) of each sub-command, in the parser's order (argparse keeps them private)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, subparser in action.choices.items():
                yield name, helps.get(name, ""), subparser


def usage(parser: argparse.ArgumentParser) -> str:
    return " ".join(parser.format_usage().removeprefix("usage:").split())


def argument_entries(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str]]:
    """(the argument as typed, what it does) for each argument but --help and the sub-command slot."""
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        metavar = action.metavar or (action.dest.upper() if action.option_strings else action.dest)
        if action.choices is not None and action.metavar is None:
            metavar = "{" + ",".join(str(choice) for choice in action.choices) + "}"
        takes_value = action.nargs != 0
        if action.option_strings:
            shown = ", ".join(f"\\fB{roff(option)}\\fR" + (f" \\fI{roff(str(metavar))}\\fR" if takes_value else "")
                              for option in action.option_strings)
        else:
            shown = f"\\fI{roff(str(metavar))}\\fR" + (" ..." if action.nargs in ("*", "+") else "")
        text = action.help or ""
        if action.required and action.option_strings:
            text += " (required)"
        if (action.default not in (None, False, "", argparse.SUPPRESS) and takes_value
                and not isinstance(action, argparse._VersionAction) and "default" not in text):
            text += f" (default: {action.default})"
        yield shown, roff(text.strip())


def command_sections(parser: argparse.ArgumentParser, prefix: str) -> Iterator[str]:
    for name, help_text, subparser in subcommands(parser):
        full = f"{prefix} {name}"
        nested = list(subcommands(subparser))
        if not nested or list(argument_entries(subparser)):
            yield f'.SS "{roff(full)}"'
            yield f".B {roff(usage(subparser))}"
            yield ".br"
            yield roff(help_text[:1].upper() + help_text[1:] + ("." if help_text else ""))
            for shown, text in argument_entries(subparser):
                yield ".TP"
                yield shown
                yield text
        yield from command_sections(subparser, full)


def manual_page() -> str:
    sys.path.insert(0, str(ROOT))
    from app import __version__
    from app.cli.parser import build_parser
    from app.main import SELF_TEST_OPTION

    parser = build_parser()
    lines = [
        f'.TH POPLARK 1 "{release_date()}" "poplark {__version__}" "User Commands"',
        ".SH NAME",
        "poplark \\- POP3 desktop mail client with a headless command line",
        ".SH SYNOPSIS",
        ".B poplark",
        "[\\fB\\-\\-profile\\fR \\fIDIR\\fR]",
        ".br",
        f".B poplark {roff(SELF_TEST_OPTION)}",
        "[\\fB\\-\\-profile\\fR \\fIDIR\\fR]",
        ".br",
        ".B poplark",
        "[\\fB\\-\\-profile\\fR \\fIDIR\\fR] \\fICOMMAND\\fR [\\fIARGUMENTS\\fR]",
        ".SH DESCRIPTION",
        "Poplark fetches mail from POP3 servers into a local SQLite store, keeping every message byte "
        "for byte, and reads and searches it (Chinese included). Passwords are kept in the system keyring.",
        ".PP",
        "Run alone, \\fBpoplark\\fR opens the mail window. With a \\fICOMMAND\\fR it runs headless, "
        "without loading Qt, for scripts and cron. Both work on the same profile at the same time.",
        ".SH OPTIONS",
    ]
    for shown, text in argument_entries(parser):
        lines += [".TP", shown, text]
    lines += [".TP", f"\\fB{roff(SELF_TEST_OPTION)}\\fR",
              "Start the desktop app once without showing it to anyone (use QT_QPA_PLATFORM=offscreen "
              "where there is no display), check that its resources, translations, mail store, window "
              "and QtWebEngine work, print one line per check and \\(lqself\\-test: ok\\(rq, exit 0; or "
              "print \\(lqself\\-test: FAILED\\(rq with the reason and exit 1.",
              ".SH COMMANDS"]
    lines += list(command_sections(parser, "poplark"))
    lines.append(".SH ENVIRONMENT")
    for name, text in ENVIRONMENT:
        lines += [".TP", f".B {name}", roff(text)]
    lines += [
        ".SH EXIT STATUS",
        "0 on success; a non-zero status with a message on standard error that says what to do next "
        "otherwise (2 for a command line that does not parse).",
        ".SH EXAMPLES",
        ".nf",
        roff("printf '%s\\n' \"$APP_PASSWORD\" | poplark account add work --host pop.example.com "
             "--user me@example.com --password-stdin"),
        "poplark fetch \\-\\-quiet",
        "poplark search invoice \\-\\-json",
        ".fi",
        ".SH SEE ALSO",
        "The project's page: https://github.com/poplark/poplark",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make_manpage.py OUTPUT", file=sys.stderr)
        return 2
    Path(argv[0]).write_text(manual_page(), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
