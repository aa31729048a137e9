"""Crash test: ``kill -9`` a process while it moves thousands of messages between user folders.

A move is one transaction (app/core/store/user_folders.py), so after SIGKILL at any moment every
message is in exactly one folder, all the messages of one move are together (the whole move
happened or none of it), nothing is lost or doubled, and the database passes its integrity check.
The mover is a real child process (as tests/protocol/test_kill9.py kills fetches); the kill
moments come from ``random.Random(seed)``, printed so that a failure can be aimed at again.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from app.core.model import Account
from app.core.store import Store
from app.core.store.user_folders import folder_key_of
from tests.fakes.waiting import pause

REPOSITORY = Path(__file__).resolve().parents[2]
MESSAGES = 3000
KILLS = 6

#: Moves every message back and forth between two folders forever, one transaction per move,
#: and says "moving" once the first move is under way.
_MOVER = """
import sys
from pathlib import Path
from app.core.store import Store
store = Store(Path(sys.argv[1]))
ids = [row[0] for row in store.query("SELECT id FROM messages ORDER BY id")]
keys = sys.argv[2:4]
turn = 0
while True:
    store.move_messages(ids, keys[turn % 2])
    turn += 1
    if turn == 1:
        print("moving", flush=True)
"""


def _store_messages(store: Store, account: Account) -> None:
    incoming = [(f"u{index}", f"Subject: {index}\r\n\r\nbody {index}\r\n".encode(), 1.0e9 + index)
                for index in range(MESSAGES)]
    store.add_messages(account, incoming)


def test_kill9_during_a_move_leaves_each_message_in_exactly_one_folder(tmp_path: Path) -> None:
    seed = int(os.environ.get("POPLARK_KILL9_SEED", random.randrange(1 << 30)))
    print(f"POPLARK_KILL9_SEED={seed}")
    chance = random.Random(seed)
    path = tmp_path / "mail.sqlite"
    with Store(path) as store:
        account = store.add_account(Account(name="work", host="h", user="u"))
        _store_messages(store, account)
        keys = [folder_key_of(store.create_folder(account.id, name)) for name in ("财务", "Archive")]
    environment = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    for kill in range(KILLS):
        mover = subprocess.Popen([sys.executable, "-c", _MOVER, str(path), *keys], stdout=subprocess.PIPE,
                                 env=environment, cwd=REPOSITORY, text=True)
        try:
            assert mover.stdout is not None
            assert mover.stdout.readline() == "moving\n"
            # Up to about three more moves of every message (each takes tens of milliseconds).
            pause(chance.uniform(0.0, 0.3))
            mover.send_signal(signal.SIGKILL)
        finally:
            mover.kill()
            mover.wait(timeout=30)
        with Store(path) as store:
            where = {row[0]: row[1] for row in store.query("SELECT folder, count(*) FROM messages GROUP BY folder")}
            assert sum(where.values()) == MESSAGES, f"kill {kill} (seed {seed}): {where}"
            assert len(where) == 1 and next(iter(where)) in keys, f"kill {kill} (seed {seed}): a move was split {where}"
            assert store.query("SELECT count(DISTINCT uidl) FROM messages").fetchone()[0] == MESSAGES
            assert store.query("PRAGMA integrity_check").fetchone()[0] == "ok"
