"""A POP3 client over socket + ssl (RFC 1939, 2449, 2595, 3206, 5034).

Written instead of using :mod:`poplib`, which cannot pipeline, strips line endings, limits lines to
2048 bytes and has no AUTH (see docs/architecture.md, "Why our own POP3 client").
"""

from app.core.pop3.auth import Secret, SecretKind
from app.core.pop3.capabilities import Capabilities
from app.core.pop3.client import Pop3Client
from app.core.pop3.connection import TlsInfo

__all__ = ["Capabilities", "Pop3Client", "Secret", "SecretKind", "TlsInfo"]
