"""The local store: one SQLite file per profile holding accounts, raw messages and UIDL state."""

from app.core.store.profile import Profile
from app.core.store.search import index_all, index_pending
from app.core.store.store import KnownUid, Store, UidState

__all__ = ["KnownUid", "Profile", "Store", "UidState", "index_all", "index_pending"]
