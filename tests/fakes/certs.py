"""Throwaway TLS certificates for the fake POP3 server, built with ``trustme``.

One call to :func:`make_test_certificates` writes PEM files for three server identities, so protocol
tests can exercise every branch of certificate verification without touching the network:

- ``good``: issued by the test CA for ``localhost``, ``127.0.0.1`` and ``::1``. A client that trusts
  ``ca_pem`` must accept it.
- ``wrong_host``: issued by the same CA but only for ``wrong.example``. The chain verifies, the
  hostname check must fail.
- ``untrusted``: a ``localhost`` certificate from a second, unrelated CA. The chain must fail.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import trustme

ServerCertificateKind = Literal["good", "wrong_host", "untrusted"]

# Names the fake server answers to; a client connecting by any of them must verify the good chain.
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
WRONG_HOST_NAME = "wrong.example"


@dataclass(frozen=True)
class TestCertificates:
    """Paths of the PEM files written by :func:`make_test_certificates`."""

    # pytest collects classes named Test* in modules that import this one; this is not a test.
    __test__ = False

    ca_pem: Path
    server_cert_chain_pem: Path
    server_key_pem: Path
    wrong_host_cert_chain_pem: Path
    wrong_host_key_pem: Path
    untrusted_cert_chain_pem: Path
    untrusted_key_pem: Path

    def server_context(self, kind: ServerCertificateKind = "good") -> ssl.SSLContext:
        """A fresh server-side context presenting the chosen certificate."""
        chains = {
            "good": (self.server_cert_chain_pem, self.server_key_pem),
            "wrong_host": (self.wrong_host_cert_chain_pem, self.wrong_host_key_pem),
            "untrusted": (self.untrusted_cert_chain_pem, self.untrusted_key_pem),
        }
        chain_path, key_path = chains[kind]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(certfile=chain_path, keyfile=key_path)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts only the test CA (hostname checks stay on)."""
        context = ssl.create_default_context(cafile=str(self.ca_pem))
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context


def make_test_certificates(directory: Path) -> TestCertificates:
    """Create a test CA and the three server identities as PEM files inside ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    trusted_authority = trustme.CA()
    untrusted_authority = trustme.CA()

    def write_identity(certificate: trustme.LeafCert, stem: str) -> tuple[Path, Path]:
        chain_path = directory / f"{stem}-chain.pem"
        key_path = directory / f"{stem}-key.pem"
        # The leaf first, then any intermediates: the order a TLS server must send them in.
        chain_path.write_bytes(b"".join(blob.bytes() for blob in certificate.cert_chain_pems))
        certificate.private_key_pem.write_to_path(str(key_path))
        return chain_path, key_path

    ca_path = directory / "ca.pem"
    trusted_authority.cert_pem.write_to_path(str(ca_path))
    server_chain, server_key = write_identity(trusted_authority.issue_cert(*LOCAL_NAMES), "server")
    wrong_host_chain, wrong_host_key = write_identity(trusted_authority.issue_cert(WRONG_HOST_NAME), "wrong-host")
    untrusted_chain, untrusted_key = write_identity(untrusted_authority.issue_cert(*LOCAL_NAMES), "untrusted")
    return TestCertificates(
        ca_pem=ca_path,
        server_cert_chain_pem=server_chain,
        server_key_pem=server_key,
        wrong_host_cert_chain_pem=wrong_host_chain,
        wrong_host_key_pem=wrong_host_key,
        untrusted_cert_chain_pem=untrusted_chain,
        untrusted_key_pem=untrusted_key,
    )
