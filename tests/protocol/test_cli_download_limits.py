"""``poplark account add`` and ``account edit`` set the account's download limits (issue 18), and
``poplark fetch`` honours them: the large message is stored in part and kept on the server."""

from __future__ import annotations

import pytest

from tests.conftest import ServerFactory
from tests.fakes.pop3_server import crlf
from tests.protocol.test_cli import ACCOUNT, EXIT_FAILED, EXIT_OK, PLAIN_MESSAGE, Poplark, one_line

DEFAULT_MODE = "tls"  # what the serve fixture starts, as in test_cli.py
LARGE = crlf("From: carol@example.com\nSubject: the slides\nMessage-ID: <slides@x>\n\n" + ("s" * 76 + "\n") * 20_000)


@pytest.fixture
def poplark(cli_environment: dict[str, str], certificates: object) -> Poplark:
    return Poplark(cli_environment, certificates)  # type: ignore[arg-type]


def test_fetch_stores_a_large_message_in_part_and_keeps_it_on_the_server(
        poplark: Poplark, serve: ServerFactory) -> None:
    server = serve([PLAIN_MESSAGE, LARGE])
    result = poplark.add_account(server.address[1], "--partial-over-mb", "1", "--partial-first-kb", "10")
    assert result.returncode == EXIT_OK, result.stderr
    assert "the first 10 KB of messages over 1 MB" in result.stdout
    summary = poplark.fetch_ok()
    assert "2 new message(s)" in summary and "1 of them downloaded in part" in summary
    assert "1 deleted from the server" in summary
    server.wait_until_idle()
    assert server.mailbox.current_uidls() == ["uid-2"]
    rows = {row["subject"]: row for row in poplark.listing()}
    assert rows["the slides"]["size"] < 12 * 1024 < len(LARGE)


def test_account_edit_switches_the_limits_on_and_off(poplark: Poplark, serve: ServerFactory) -> None:
    poplark.add_account_ok(serve().address[1])
    assert "headers only" in poplark.run("account", "edit", ACCOUNT, "--headers-only").stdout
    assert one_line(poplark.run("account", "list").stdout).split("\t")[4] == "headers only"
    changed = poplark.run("account", "edit", ACCOUNT, "--whole-messages", "--partial-over-mb", "5")
    assert "the first 100 KB of messages over 5 MB" in changed.stdout
    assert "whole messages" in poplark.run("account", "edit", ACCOUNT, "--no-partial").stdout
    nothing = poplark.run("account", "edit", ACCOUNT)
    assert nothing.returncode == EXIT_FAILED and "nothing to change" in nothing.stderr
