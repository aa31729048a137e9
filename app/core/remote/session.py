"""One logged-in POP3 session for the remote mailbox, as the fetch engine opens it.

The client, the login and the pipelining decision are the fetch engine's (the client factory, the
account's login settings, a pipelining pause the engine recorded after a broken session), so the
remote mailbox talks to a server exactly as a fetch does. The account's lock is held for the whole
session: a fetch of the same account cannot download or delete meanwhile, and a second window or
command is told so (FetchInProgress).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from app.core.cancel import CancelToken
from app.core.errors import OutOfStep, PermanentServerError
from app.core.fetch.engine import PIPELINING_PAUSE_SECONDS, ClientFactory, default_client
from app.core.locking import AccountLock
from app.core.model import Account
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

    def __enter__(self) -> RemoteSession:
        self._lock.__enter__()
        try:
            self.client.connect()
            self.cancel.raise_if_cancelled()
            self.client.login(self.account.user, self._password,
                              allow_insecure_auth=self.account.allow_insecure_auth,
                              use_apop=self.account.use_apop)
            self._password = ""  # not needed any more; keep it out of later tracebacks
            self.pipelined = self._may_pipeline()
        except BaseException as error:
            self.client.abort(error)
            self._lock.__exit__(type(error), error, error.__traceback__)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        try:
            if kind is None:
                self.client.quit()
            else:
                if isinstance(value, OutOfStep):
                    # As the fetch engine does: the next sessions of this account do not pipeline.
                    assert self.account.id is not None
                    self.store.set_pipelining_broken_at(self.account.id, self.clock())
                self.client.abort(value)
        finally:
            self._lock.__exit__(kind, value, traceback)

    def _may_pipeline(self) -> bool:
        assert self.account.id is not None
        if not (self.account.pipelining and self.client.capabilities.pipelining):
            return False
        broken_at = self.store.pipelining_broken_at(self.account.id)
        return broken_at is None or self.clock() - broken_at > PIPELINING_PAUSE_SECONDS

    def listing(self) -> ServerListing:
        """LIST, then UIDL when the server has it (RFC 1939 makes UIDL optional)."""
        sizes = self.client.list_sizes()
        uidls: dict[int, str] | None = None
        if self.client.capabilities.uidl:
            try:
                uidls = self.client.unique_ids()
            except PermanentServerError:
                uidls = None
        return ServerListing(sizes, uidls)

    def quit(self) -> None:
        """QUIT now: the server applies the deletions (an error here means it did not)."""
        self.client.quit()
