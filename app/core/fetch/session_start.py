"""How a session with the server starts, shared by the fetch engine and the remote mailbox.

Both log in and list the same way, so a server is spoken to alike whichever of them opens the
session: whether the session may pipeline (the account's setting and no pause after a break), the
login with CAPA, LIST and UIDL in one write behind it when the CAPA before login offered
PIPELINING (:mod:`app.core.pop3.after_login`), UIDL or none when they went one by one, and the
pause that follows a session in which a server broke pipelining.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.core.errors import OutOfStep, PermanentServerError, PipelineStalled
from app.core.model import Account
from app.core.pop3.auth import Secret
from app.core.pop3.client import Pop3Client
from app.core.store.store import Store

log = logging.getLogger("poplark.fetch")

#: After a pipelined session went out of step, go without pipelining for this long.
PIPELINING_PAUSE_SECONDS = 30 * 86_400
#: After an ambiguous stall (PipelineStalled): long enough for the next checks to succeed.
PIPELINING_STALL_PAUSE_SECONDS = 86_400


def pipelining_allowed(store: Store, account: Account, clock: Callable[[], float]) -> bool:
    """The account allows pipelining and it is not paused; the server's CAPA is the rest."""
    assert account.id is not None
    if not account.pipelining:
        return False
    broken_at = store.pipelining_broken_at(account.id)
    return broken_at is None or clock() - broken_at > PIPELINING_PAUSE_SECONDS


def log_in(client: Pop3Client, account: Account, password: str | Secret, *, allowed: bool) -> bool:
    """Log in with the account's settings; True when CAPA, LIST and UIDL are to follow in one write.

    When they are (``allowed`` and PIPELINING in the CAPA before login), the login does not send
    its own CAPA: the caller sends the batch next with ``client.pipelined_listings()``, which
    reads the CAPA after login first. Nothing rides behind the login itself (after_login.py).
    """
    early = allowed and client.capabilities.pipelining
    client.login(account.user, password, allow_insecure_auth=account.allow_insecure_auth,
                 use_apop=account.use_apop, refresh_capabilities=not early)
    return early


def unique_ids(client: Pop3Client) -> dict[int, str] | None:
    """UIDL when the CAPA after login offers it; None (keys from TOP) when not supported."""
    if not client.capabilities.uidl:
        return None
    try:
        return client.unique_ids()
    except PermanentServerError:
        return None


def pause_pipelining(store: Store, account: Account, clock: Callable[[], float], seconds: float) -> None:
    """No pipelining for this account for ``seconds``.

    The store keeps when pipelining broke and :func:`pipelining_allowed` waits
    PIPELINING_PAUSE_SECONDS from then; a shorter pause is recorded as a break that happened
    correspondingly earlier.
    """
    assert account.id is not None
    store.set_pipelining_broken_at(account.id, clock() - PIPELINING_PAUSE_SECONDS + seconds)


def pause_after_break(store: Store, account: Account, clock: Callable[[], float], error: BaseException) -> None:
    """When ``error`` says the server broke pipelining, pause it: 30 days out of step, a day stalled."""
    if isinstance(error, OutOfStep):
        log.warning("pipelining went out of step for %s; the next sessions will not pipeline", account.name)
        pause_pipelining(store, account, clock, PIPELINING_PAUSE_SECONDS)
    elif isinstance(error, PipelineStalled):
        log.warning("%s went silent with pipelined commands in flight; not pipelining for a day", account.name)
        pause_pipelining(store, account, clock, PIPELINING_STALL_PAUSE_SECONDS)
