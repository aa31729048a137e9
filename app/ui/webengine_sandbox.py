"""QtWebEngine as root: switch its sandbox off before it starts, and say so in the log.

Chromium (inside QtWebEngine, the HTML message view) refuses to run as root with its sandbox
on, and it does not fail politely: the whole process ends on the first HTML message, with no
window left to say why. People run ``make run`` as root in containers and VMs, so the app
handles euid 0 itself (docs/architecture.md, Pitfalls) instead of asking the caller to.

QtWebEngine reads its environment when it starts its first page, so :func:`prepare_webengine`
runs before the QApplication exists (``app.ui.application.create_application``).
:func:`sandbox_environment` is the decision, pure, for both euids.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, MutableMapping

log = logging.getLogger("poplark.ui.webengine")

DISABLE_SANDBOX = "QTWEBENGINE_DISABLE_SANDBOX"
CHROMIUM_FLAGS = "QTWEBENGINE_CHROMIUM_FLAGS"

ROOT_NOTICE = ("running as root: QtWebEngine's sandbox is switched off for HTML mail "
               "(Chromium refuses to run as root with it; remote content stays blocked and "
               "JavaScript off). Run Poplark as a normal user to keep the sandbox.")


def sandbox_already_off(environ: Mapping[str, str]) -> bool:
    """Whether the environment already starts QtWebEngine without its sandbox."""
    if environ.get(DISABLE_SANDBOX, "").strip() not in ("", "0"):
        return True
    return "--no-sandbox" in environ.get(CHROMIUM_FLAGS, "").split()


def sandbox_environment(euid: int | None, environ: Mapping[str, str]) -> dict[str, str]:
    """The variables to add so that QtWebEngine starts for this user (empty: nothing to change).

    ``euid`` None: a system without user ids (Windows), where the sandbox always works.
    """
    if euid != 0 or sandbox_already_off(environ):
        return {}
    return {DISABLE_SANDBOX: "1"}


def effective_user_id() -> int | None:
    geteuid = getattr(os, "geteuid", None)
    return geteuid() if geteuid is not None else None


def prepare_webengine(environ: MutableMapping[str, str] | None = None, euid: int | None = None) -> bool:
    """Apply :func:`sandbox_environment` to the process; True when the sandbox was switched off here."""
    target = os.environ if environ is None else environ
    changes = sandbox_environment(effective_user_id() if euid is None else euid, target)
    if not changes:
        return False
    target.update(changes)
    log.warning(ROOT_NOTICE)
    return True


__all__ = ["ROOT_NOTICE", "prepare_webengine", "sandbox_already_off", "sandbox_environment"]
