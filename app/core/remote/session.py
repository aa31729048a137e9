"""One logged-in POP3 session for the remote mailbox, as the fetch engine opens it.

The client, the login, the listing and the pipelining decision are the fetch engine's
(:mod:`app.core.fetch.session_start`: the client factory, the account's login settings, CAPA,
LIST and UIDL in one write after login when the server advertised PIPELINING before it, the
pause after a session in which a server broke pipelining), so the remote mailbox talks to a
server exactly as a fetch does. The account's lock is held for the whole session: a fetch of the
same account cannot download or delete meanwhile, and a second window or command is told so
(FetchInProgress).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from app.core.cancel import CancelToken
from app.core.fetch.engine import ClientFactory, default_client
from app.core.fetch.session_start import log_in, pause_after_break, pipelining_allowed, unique_ids
from app.core.locking import AccountLock
from app.core.model import Account
from app.core.pop3.after_login import Listings
from app.core.pop3.auth import Secret
from app.core.pop3.client import Pop3Client
from app.core.store.store import Store


@dataclass(frozen=True)
class ServerListing:
    """What LIST and UIDL said in this session. Numbers are valid in this session only."""

    sizes: dict[int, int]
    #: Number -> UIDL, or None when the server has no UIDL command.
    uidls: dict[int, str] | None

    def uidl_counts(self) -> Counter[str]:
        return Counter(self.uidls.values()) if self.uidls is not None else Counter()


class RemoteSession:
    """``with RemoteSession(...) as session:`` locks the account, connects and logs in.

    Leaving the block normally sends QUIT (deletions take effect then, RFC 1939 section 6); an
    exception aborts the session with RSET and QUIT, or just closes the link when replies are out
    of step, so nothing is deleted. Call :meth:`quit` earlier to apply deletions and see a refusal.
    """

    def __init__(self, store: Store, lock_directory: Path, account: Account, password: str | Secret, *,
                 cancel: CancelToken | None = None, clock: Callable[[], float] = time.time,
                 client_factory: ClientFactory = default_client) -> None:
        assert account.id is not None, "the account must be saved first"
        self.store = store
        self.account = account
        self.cancel = cancel or CancelToken()
        self.clock = clock
        self._password: str | Secret = password
        self._lock = AccountLock(lock_directory, account.id, account.name)
        self.client: Pop3Client = client_factory(account, self.cancel)
        self.pipelined = False
        #: What the pipelined CAPA, LIST and UIDL after login brought, until listing() takes it.
        self._listed: Listings | None = None

    def __enter__(self) -> RemoteSession:
        self._lock.__enter__()
        try:
            self.client.connect()
            self.cancel.raise_if_cancelled()
            allowed = pipelining_allowed(self.store, self.account, self.clock)
            early = log_in(self.client, self.account, self._password, allowed=allowed)
            self._password = ""  # not needed any more; keep it out of later tracebacks
            # Every caller lists first: the listing rides in the CAPA's write, one round trip.
            self._listed = self.client.pipelined_listings() if early else None
            # Decided from the CAPA after login, whichever way it was sent (as the engine does).
            self.pipelined = allowed and self.client.capabilities.pipelining
        except BaseException as error:
            self._end_badly(error)
            self._lock.__exit__(type(error), error, error.__traceback__)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        try:
            if kind is None:
                self.client.quit()
            else:
                self._end_badly(value)
        finally:
            self._lock.__exit__(kind, value, traceback)

    def _end_badly(self, reason: BaseException | None) -> None:
        """As the fetch engine: a server that broke pipelining is not pipelined to for a while
        (out of step 30 days, silent a day); then RSET and QUIT, or just close when out of step."""
        if reason is not None:
            pause_after_break(self.store, self.account, self.clock, reason)
        self.client.abort(reason)

    def listing(self) -> ServerListing:
        """LIST, then UIDL when the server has it (RFC 1939 makes UIDL optional).

        The first call takes what the pipelined batch after login brought; otherwise (and again)
        the two commands go one by one.
        """
        listed, self._listed = self._listed, None
        if listed is not None:
            return ServerListing(listed.sizes, listed.uids)
        return ServerListing(self.client.list_sizes(), unique_ids(self.client))

    def quit(self) -> None:
        """QUIT now: the server applies the deletions (an error here means it did not)."""
        self.client.quit()
