"""Making the index complete now, newest first: what ``poplark search``, ``poplark index`` and a
fetch without an indexer child do before they go on (:mod:`app.cli.indexing` tells who else indexes).

A module of its own, light to import: ``poplark search`` must not load the fetch engine to do it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.cancel import CancelToken
    from app.core.store import Store

#: Messages per transaction of a backlog: nothing waits for the lock but another indexer, and FTS5
#: does less work for fewer, larger transactions (a flush and a segment merge each; 20,000 small
#: messages: 15 % less CPU than in batches of 100). Whoever helps from the newest end shrinks its
#: batches to half of what is left (not under TAIL_LAST_BATCH: a batch of 50 cost a third more CPU
#: per message than one of 500), so where it meets the other indexer at most one small batch is
#: extracted twice.
TAIL_BATCH = 500
TAIL_LAST_BATCH = 100


def index_pending_mail(store: Store, cancel: CancelToken | None = None, *, addresses: bool = False) -> int:
    """Index every message not indexed yet for search, newest first (until cancelled); return how many.

    Newest first: the mail a user just got is searchable first, and an indexer left working
    through a backlog from its oldest end by a fetch (:mod:`app.cli.indexing`) is met, not followed.

    ``addresses``: also gather the addresses of new mail for completion
    (:mod:`app.core.contacts.harvest`). ``poplark fetch`` leaves that out: reading Chinese names
    loads pypinyin's dictionaries (about half a second), which a cron check must not pay; the
    window's indexer, ``poplark index`` and ``poplark contacts complete`` gather them.
    """
    from app.core.store.search import index_pending

    total = 0
    left = store.pending_search_count()
    while cancel is None or not cancel.cancelled:
        done = index_pending(store, min(TAIL_BATCH, max(TAIL_LAST_BATCH, left // 2)), newest_first=True)
        if not done:
            break
        total += done
        left -= done
    if addresses:
        from app.core.contacts.harvest import harvest_pending

        while (cancel is None or not cancel.cancelled) and harvest_pending(store, TAIL_BATCH):
            pass
    return total


__all__ = ["TAIL_BATCH", "TAIL_LAST_BATCH", "index_pending_mail"]
