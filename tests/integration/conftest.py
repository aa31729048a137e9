"""Fixtures for the integration tier: a private Dovecot on loopback and a real keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.fakes.certs import TestCertificates
from tests.fakes.dovecot import INSTALL_HINT, PrivateDovecot, dovecot_binary

USERS = {"alice": "secret", "bob": "pässwörd-密码"}


@pytest.fixture
def dovecot(tmp_path: Path, certificates: TestCertificates) -> Iterator[PrivateDovecot]:
    if dovecot_binary() is None:
        skip_or_fail(f"Dovecot is not installed; run: {INSTALL_HINT}")
    server = PrivateDovecot(tmp_path / "dovecot", cert_chain_pem=certificates.server_cert_chain_pem,
                            key_pem=certificates.server_key_pem, users=USERS)
    server.start()
    try:
        yield server
    finally:
        server.stop(graceful=False)
