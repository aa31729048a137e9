"""Passwords, kept only in the system keyring (service ``Poplark``). The only module using keyring.

A keyring that stores passwords in plain text, or none at all, is reported as "no secure storage"
instead of being used silently (docs/architecture.md, Pitfalls: keyrings.alt).

keyring is imported on first use: it costs about 0.1 s at start-up, which a `poplark fetch
--password-stdin` from cron never needs. Choosing a backend costs keyring another 60 ms a run (it
imports every installed backend and asks each whether it works), so the command line remembers the
one found (:func:`remember_backend_in`).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import CredentialsError, NoSecureStorage

SERVICE_NAME = "Poplark"

log = logging.getLogger("poplark.credentials")

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


#: The file naming the backend to use (see remember_backend_in); None: keyring chooses each run.
_remembered_backend: Path | None = None
_backend_chosen = False


def remember_backend_in(path: Path) -> None:
    """Use the backend ``path`` names, if it still works here, instead of keyring's search; name
    there the one the search finds (a secure one only). The file holds a class name, never a secret.

    Besides the 60 ms a run, the passwords stay where they were stored when another backend is
    installed later. A choice the user made (``PYTHON_KEYRING_BACKEND``, keyring's own config
    file) always wins: keyring reads it without searching.
    """
    global _remembered_backend, _backend_chosen
    _remembered_backend, _backend_chosen = path, False


def _keyring() -> Any:
    global _backend_chosen
    if sys.platform != "darwin" and _MACOS_API_MODULE not in sys.modules:
        # None in sys.modules makes that import fail (the import system's documented way to
        # block one); keyring catches the failure, and the backend stays as unusable as it was.
        sys.modules[_MACOS_API_MODULE] = None  # type: ignore[assignment]
    import keyring
    import keyring.core
    import keyring.errors

    if not _backend_chosen:
        _backend_chosen = True
        if _remembered_backend is not None:
            _choose_backend(keyring, _remembered_backend)
    return keyring


def _choose_backend(keyring: Any, path: Path) -> None:
    if os.environ.get("PYTHON_KEYRING_BACKEND") or getattr(keyring.core, "_keyring_backend", None) is not None:
        return  # the user's choice, or one this process made already
    try:
        configured = keyring.core.load_config()
    except Exception:  # noqa: BLE001 - keyring reports a broken config file itself, below
        return
    if configured is not None:
        keyring.set_keyring(configured)
        return
    try:
        remembered = path.read_text(encoding="utf-8").strip()
    except OSError:
        remembered = ""
    if remembered:
        try:
            # Raises when the class is gone; its priority says whether it works here now (a
            # Secret Service backend, for one, needs a session bus: cron may not have it).
            backend = keyring.core.load_keyring(remembered)
            if backend.priority > 0:
                keyring.set_keyring(backend)
                return
            log.info("the keyring backend used last (%s) does not work here now; searching again", remembered)
        except Exception as error:  # noqa: BLE001 - any failure: let keyring search again
            log.info("the keyring backend used last (%s) is not usable now (%s); searching again",
                     remembered, error)
    found = keyring.get_keyring()
    name = _name_of(found)
    if _is_secure(found) and name != remembered:
        try:
            temporary = path.with_name(path.name + ".tmp")
            temporary.write_text(name + "\n", encoding="utf-8")
            temporary.replace(path)
        except OSError as error:
            log.info("cannot remember the keyring backend in %s: %s", path, error)


def _name_of(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def backend_name() -> str:
    return _name_of(_keyring().get_keyring())


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
