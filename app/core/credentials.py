"""Passwords, kept only in the system keyring (service ``Poplark``). The only module using keyring.

A keyring that stores passwords in plain text, or none at all, is reported as "no secure storage"
instead of being used silently (docs/architecture.md, Pitfalls: keyrings.alt).

keyring is imported on first use: it costs about 0.1 s at start-up (entry-point scanning), which a
`poplark fetch --password-stdin` from cron never needs.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from app.core.errors import CredentialsError, NoSecureStorage

SERVICE_NAME = "Poplark"

#: Backends that do not keep a secret safe: fail (none available), null (forgets), chainer with
#: nothing behind it, and keyrings.alt's file backends (plain text or a weak password file).
_INSECURE_MODULE_PREFIXES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")

NO_KEYRING_ADVICE = (
    "no secure password storage (system keyring) is available. Install and unlock one "
    "(on Debian/Ubuntu: sudo apt install gnome-keyring, then log in to a desktop session; "
    "KWallet works too), or pick a backend with PYTHON_KEYRING_BACKEND. To run without storing "
    "the password, pass it for this run with --password-stdin.")


if TYPE_CHECKING:
    import keyring.backend


#: keyring's macOS backend calls ctypes.util.find_library at import, which elsewhere starts
#: ldconfig (and may start gcc): about 50 ms of every keyring use on Linux, for a backend whose
#: priority refuses any system but macOS before it looks at that import.
_MACOS_API_MODULE = "keyring.backends.macOS.api"


def _keyring() -> Any:
    if sys.platform != "darwin" and _MACOS_API_MODULE not in sys.modules:
        # None in sys.modules makes that import fail (the import system's documented way to
        # block one); keyring catches the failure, and the backend stays as unusable as it was.
        sys.modules[_MACOS_API_MODULE] = None  # type: ignore[assignment]
    import keyring
    import keyring.errors

    return keyring


def backend_name() -> str:
    backend = _keyring().get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def secure_storage_available() -> bool:
    try:
        backend = _keyring().get_keyring()
    except Exception:  # noqa: BLE001 - a broken backend configuration means "not available"
        return False
    return _is_secure(backend)


def _is_secure(backend: keyring.backend.KeyringBackend) -> bool:
    module = type(backend).__module__
    if module.startswith(_INSECURE_MODULE_PREFIXES):
        return False
    if module == "keyring.backends.chainer":
        backends = getattr(backend, "backends", [])
        return any(_is_secure(inner) for inner in backends)
    return True


def _require_secure_backend() -> None:
    if not secure_storage_available():
        raise NoSecureStorage(NO_KEYRING_ADVICE)


def store_password(key: str, password: str) -> None:
    _require_secure_backend()
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE_NAME, key, password)
    except keyring.errors.KeyringError as error:
        raise CredentialsError(f"the system keyring refused to store the password: {error}. "
                               "Unlock the keyring and try again.") from error


def load_password(key: str) -> str | None:
    """The stored password, or None when nothing is stored for ``key``."""
    _require_secure_backend()
    keyring = _keyring()
    try:
        password: str | None = keyring.get_password(SERVICE_NAME, key)
        return password
    except keyring.errors.KeyringError as error:
        raise CredentialsError(f"the system keyring could not be read: {error}. "
                               "Unlock the keyring and try again.") from error


def delete_password(key: str) -> None:
    """Forget the password; nothing stored is not an error."""
    if not secure_storage_available():
        return
    keyring = _keyring()
    try:
        keyring.delete_password(SERVICE_NAME, key)
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as error:
        raise CredentialsError(f"the system keyring could not delete the password: {error}") from error
