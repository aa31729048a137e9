"""One way to show a certificate's SHA-256 fingerprint, in the window and on the command line."""

from __future__ import annotations


def format_fingerprint(hex_digest: str, *, pairs_per_line: int = 0) -> str:
    """``ab12...`` -> ``AB:12:...``, the way browsers and ``openssl x509 -fingerprint`` show it.

    With ``pairs_per_line``, a line break after every that many pairs (16 fits a dialog).
    """
    digits = hex_digest.replace(":", "").upper()
    pairs = [digits[index:index + 2] for index in range(0, len(digits), 2)]
    if pairs_per_line <= 0:
        return ":".join(pairs)
    return "\n".join(":".join(pairs[start:start + pairs_per_line]) for start in range(0, len(pairs), pairs_per_line))


__all__ = ["format_fingerprint"]
