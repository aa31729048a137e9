"""One account in a real store against one fake POP3 server: the harness the engine tests share.

Each test module subclasses :class:`ServerAccount` with the few calls it makes (fetch, remote
list, headers only...) and ends its fixture with :func:`close_all`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from app.core.model import Account, Security, ServerPolicy
from app.core.store import Profile, Store
from tests.fakes.pop3_server import FakePop3Server


class ServerAccount:
    """A fake server, a store in a fresh profile, and an account of that store on the server."""

    def __init__(self, tmp_path: Path, server: FakePop3Server, *, name: str, policy: ServerPolicy,
                 **account_options: object) -> None:
        self.server = server
        self.profile = Profile(tmp_path / "profile").ensure()
        self.store = Store.open(self.profile)
        settings: dict[str, object] = {"timeout_seconds": 5.0, **account_options}
        self.account = self.store.add_account(Account(
            name=name, host="127.0.0.1", port=server.address[1], security=Security.NONE, user="alice",
            policy=policy, allow_insecure_auth=True, **settings))  # type: ignore[arg-type]


def close_all(made: Iterable[ServerAccount]) -> None:
    """Close each store and stop each server; a server whose handler raised fails the test."""
    for item in made:
        item.store.close()
        item.server.stop()
        assert item.server.handler_errors == []
