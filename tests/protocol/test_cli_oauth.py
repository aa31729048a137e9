"""``poplark`` with OAuth2 (issue 17), as a user runs it: add an account with ``--auth oauth2``,
sign in (the browser driven through ``$BROWSER``, or the device code approved on the mock), fetch
from the fake POP3 server that checks tokens with the mock authorization server, a revoked grant,
the token command; then a scan: no token in the profile, the protocol log or the output.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPOSITORY, ServerFactory, run_cli
from tests.fakes.certs import TestCertificates
from tests.fakes.keyrings import FILE_VARIABLE
from tests.fakes.oauth_server import CLIENT_ID, MockAuthorizationServer
from tests.fakes.pop3_server import crlf
from tests.fakes.waiting import wait_until
from tests.protocol.test_secrets import files_under

DEFAULT_MODE = "tls"
DEFAULT_MESSAGES = [crlf(f"From: f{n}@example.com\nSubject: note {n}\n\nbody {n}\n") for n in range(3)]
TIMEOUT = 60

#: A "browser" for $BROWSER: loads the sign-in URL and follows the redirect to the listener.
BROWSER_SCRIPT = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=20).read()\n"


@pytest.fixture
def mock() -> Iterator[MockAuthorizationServer]:
    with MockAuthorizationServer(access_lifetime=3) as server:
        yield server


@pytest.fixture
def environment(cli_environment: dict[str, str], mock: MockAuthorizationServer, tmp_path: Path) -> dict[str, str]:
    table = tmp_path / "providers.json"
    table.write_text(json.dumps({"providers": [mock.provider_entry(pop3_hosts=["localhost"])]}))
    browser = tmp_path / "browser.py"
    browser.write_text(BROWSER_SCRIPT)
    return dict(cli_environment, POPLARK_OAUTH2_PROVIDERS=str(table), BROWSER=f"{sys.executable} {browser} %s")


def add(environment: dict[str, str], certificates: TestCertificates, port: int, *options: str,
        name: str = "work") -> subprocess.CompletedProcess[str]:
    return run_cli(environment, "account", "add", name, "--host", "localhost", "--port", str(port),
                   "--security", "tls", "--user", "alice", "--ca-file", str(certificates.ca_pem),
                   "--auth", "oauth2", "--leave-on-server", *options, timeout=TIMEOUT)


def test_sign_in_in_the_browser_then_fetch(environment: dict[str, str], mock: MockAuthorizationServer,
                                           serve: ServerFactory, certificates: TestCertificates,
                                           tmp_path: Path) -> None:
    server = serve(token_checker=mock.check, capabilities=["UIDL", "USER", "SASL PLAIN XOAUTH2"])
    added = add(environment, certificates, server.address[1], "--oauth2-provider", "mock",
                "--oauth2-client-id", CLIENT_ID)
    assert added.returncode == 0, added.stderr
    assert "poplark account authorize work" in added.stdout
    # Before signing in, a fetch says what to do.
    early = run_cli(environment, "fetch", "work", timeout=TIMEOUT)
    assert early.returncode == 1 and "not signed in" in early.stderr and "authorize" in early.stderr
    signed = run_cli(environment, "account", "authorize", "work", timeout=TIMEOUT)
    assert signed.returncode == 0, signed.stderr
    assert "signed in" in signed.stdout and "If it does not open, open this address" in signed.stderr
    trace = tmp_path / "trace.log"
    fetched = run_cli(environment, "fetch", "work", "--protocol-log", str(trace), timeout=TIMEOUT)
    assert fetched.returncode == 0, fetched.stderr
    assert "3 new message(s)" in fetched.stdout
    assert "C: AUTH XOAUTH2 <redacted>" in trace.read_text("utf-8")
    # Once every access token the mock gave has expired, the next process must refresh.
    wait_until(lambda: all(token.expires_at <= time.time() for token in list(mock.access.values())), 10,
               "the access tokens to expire")
    again = run_cli(environment, "fetch", "work", timeout=TIMEOUT)
    assert again.returncode == 0 and "0 new message(s)" in again.stdout, again.stderr
    assert mock.grants("refresh_token") == 2 and mock.grants("authorization_code") == 1
    # Revoked at the provider: the fetch asks for a new sign-in, and does not loop.
    mock.revoke_all()
    revoked = run_cli(environment, "fetch", "work", timeout=TIMEOUT)
    assert revoked.returncode == 1
    assert "Sign in again with 'poplark account authorize NAME'" in revoked.stderr
    outputs = [added, early, signed, fetched, again, revoked]
    assert_no_token_leaked(mock, environment, outputs, [trace])


def test_sign_in_with_a_device_code(environment: dict[str, str], mock: MockAuthorizationServer,
                                    serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(token_checker=mock.check, capabilities=["UIDL", "USER", "SASL OAUTHBEARER"])
    assert add(environment, certificates, server.address[1], "--oauth2-provider", "mock",
               "--oauth2-client-id", CLIENT_ID).returncode == 0
    process = subprocess.Popen([sys.executable, "-m", "app", "account", "authorize", "work", "--device"],
                               env=environment, cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        code = re.search(r"enter ([0-9A-F]{8})", line)
        assert code, line
        mock.approve_device(code.group(1))
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "signed in" in out, err
    fetched = run_cli(environment, "fetch", "work", timeout=TIMEOUT)
    assert fetched.returncode == 0 and "3 new message(s)" in fetched.stdout, fetched.stderr


def test_the_token_command(environment: dict[str, str], serve: ServerFactory, certificates: TestCertificates,
                           tmp_path: Path) -> None:
    token = "tok-COMMAND-5b2d"
    server = serve(token_checker=lambda user, given: None if given == token else "invalid_token",
                   capabilities=["UIDL", "USER", "SASL XOAUTH2"])
    # As oama or a password manager would, the command reads the token from somewhere else.
    (tmp_path / "token").write_text(token + "\n")
    command = f"{sys.executable} -c \"import pathlib; print(pathlib.Path(r'{tmp_path / 'token'}').read_text())\""
    added = add(environment, certificates, server.address[1], "--oauth2-token-command", command)
    assert added.returncode == 0, added.stderr
    trace = tmp_path / "trace.log"
    fetched = run_cli(environment, "fetch", "work", "--protocol-log", str(trace), timeout=TIMEOUT)
    assert fetched.returncode == 0 and "3 new message(s)" in fetched.stdout, fetched.stderr
    # A command that fails: its words, and what to do.
    failing = add(environment, certificates, server.address[1], "--oauth2-token-command",
                  "echo 'oama: no such account' >&2; exit 2", name="broken")
    assert failing.returncode == 0
    broken = run_cli(environment, "fetch", "broken", timeout=TIMEOUT)
    assert broken.returncode == 1 and "oama: no such account" in broken.stderr
    for text in (fetched.stdout, fetched.stderr, trace.read_text("utf-8"), broken.stderr):
        assert token not in text
    database = [path for path in files_under(Path(environment["POPLARK_HOME"]))]
    assert database and all(token.encode() not in path.read_bytes() for path in database)


def test_an_account_without_a_client_id_says_how_to_get_one(environment: dict[str, str],
                                                            certificates: TestCertificates) -> None:
    refused = add(environment, certificates, 995, "--oauth2-provider", "google")
    assert refused.returncode == 1
    assert "--oauth2-client-id" in refused.stderr and "docs/oauth2.md" in refused.stderr
    unknown = add(environment, certificates, 995, "--oauth2-provider", "yahoo", "--oauth2-client-id", "x")
    assert unknown.returncode == 1 and "google" in unknown.stderr and "microsoft" in unknown.stderr


def assert_no_token_leaked(mock: MockAuthorizationServer, environment: dict[str, str],
                           outputs: list[subprocess.CompletedProcess[str]], logs: list[Path]) -> None:
    secrets = [token.encode() for token in [*mock.access, *mock.refresh_tokens]]
    assert len(secrets) >= 4
    profile = list(files_under(Path(environment["POPLARK_HOME"])))
    assert any(path.suffix == ".sqlite3" or "db" in path.name for path in profile), profile
    texts = [path.read_bytes() for path in [*profile, *logs]]
    texts += [(result.stdout + result.stderr).encode() for result in outputs]
    leaks = [secret for secret in secrets for text in texts if secret in text]
    assert leaks == []
    # The refresh token is where it belongs: the keyring (the tests' file keyring).
    keyring_text = Path(environment[FILE_VARIABLE]).read_bytes()
    assert any(token.encode() in keyring_text for token in mock.refresh_tokens)
