"""The database schema and its migrations, versioned with ``PRAGMA user_version``.

Each migration moves the schema from version N to N+1 inside one transaction. Never edit a
migration that has shipped: add a new one.
"""

from __future__ import annotations

import sqlite3

from app.core.errors import StoreError

_MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the first schema.
    """
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: it names the keyring entry
        name TEXT NOT NULL UNIQUE,
        settings TEXT NOT NULL,              -- JSON of the account settings, never a secret
        pipelining_broken_at REAL,           -- when a pipelined session went out of step
        created_at REAL NOT NULL
    );
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        uidl TEXT NOT NULL,
        received_at REAL NOT NULL,
        date REAL,                           -- from the Date header; NULL when missing or bad
        sort_date REAL NOT NULL,             -- date, else received_at: what the list sorts by
        sender TEXT NOT NULL DEFAULT '',
        recipients TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL DEFAULT '',
        message_id TEXT NOT NULL DEFAULT '',
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        has_attachments INTEGER NOT NULL DEFAULT 0,
        seen INTEGER NOT NULL DEFAULT 0,
        flagged INTEGER NOT NULL DEFAULT 0,
        folder TEXT NOT NULL DEFAULT 'inbox',
        deleted_at REAL,
        parse_error TEXT
    );
    CREATE INDEX messages_by_account_folder_date ON messages(account_id, folder, sort_date DESC, id DESC);
    CREATE INDEX messages_by_folder_date ON messages(folder, sort_date DESC, id DESC);
    CREATE TABLE message_raw (
        message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        raw BLOB NOT NULL                    -- the octets as received, dot-unstuffed, never rewritten
    );
    CREATE TABLE server_uids (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        uidl TEXT NOT NULL,
        first_seen REAL NOT NULL,
        state TEXT NOT NULL,                 -- see UidState
        message_id INTEGER,
        PRIMARY KEY (account_id, uidl)
    ) WITHOUT ROWID;
    """,
    # 1 -> 2: unread counts are read after every change; at 100,000 messages a scan costs 39 ms,
    # this partial index 3 ms. (Indexes for sender and subject sorts were tried and dropped: with
    # no statistics SQLite then chose them for the date sort too, 60 ms -> 700 ms.)
    """
    CREATE INDEX messages_unread ON messages(account_id, folder) WHERE seen = 0;
    """,
    # 2 -> 3: full-text search, mailbox actions and the "server ignores DELE" marker.
    # The text is pre-split by app.core.store.search (CJK runs become overlapping bigrams), so the
    # plain unicode61 tokenizer finds 2-character Chinese words. Prefix indexes make the
    # "still typing" prefix of 1-2 characters cheap (a CJK character alone is a 1-character prefix).
    # The FTS table is contentless and keeps no column sizes (nothing ranks): a copy of the text
    # inside it doubled the store. Its text is kept zlib-compressed in message_search_text
    # instead (a third of the size), because SQLite 3.40 has no contentless_delete: forgetting a
    # row takes the same text again. A trigger cannot decompress, so it only notes the deleted
    # id in message_search_deleted; the Store forgets those rows in the same transaction
    # (app.core.store.search_index.SearchIndexTable.purge_search_index), and searches skip any still noted.
    # Rows already stored start with indexed = 0: the background indexer picks them up.
    """
    ALTER TABLE messages ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX messages_pending_search ON messages(id) WHERE indexed = 0;
    CREATE INDEX messages_by_sha256 ON messages(account_id, sha256);
    CREATE VIRTUAL TABLE message_search USING fts5(
        subject, addresses, body,
        content = '',
        columnsize = 0,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2'
    );
    CREATE TABLE message_search_text (
        message_id INTEGER PRIMARY KEY,      -- no foreign key: it outlives its message until purged
        text BLOB NOT NULL                   -- zlib of the JSON [subject, addresses, body] indexed
    );
    CREATE TABLE message_search_deleted (
        message_id INTEGER PRIMARY KEY       -- deleted with a row in message_search not yet forgotten
    );
    CREATE TRIGGER messages_search_delete AFTER DELETE ON messages WHEN old.indexed = 1 BEGIN
        INSERT OR IGNORE INTO message_search_deleted (message_id) VALUES (old.id);
    END;
    ALTER TABLE accounts ADD COLUMN dele_ignored_at REAL;
    """,
    # 3 -> 4: account ids name keyring entries ("poplark-account-<id>", one keyring per user), so
    # two profiles, or a new store after a damaged one was moved aside, must not both hand out
    # id 1 and overwrite each other's password. New ids continue from a random point in
    # [2^20, 2^30) (below 2^31: ids travel through Qt as int). Existing accounts keep theirs.
    """
    INSERT INTO sqlite_sequence (name, seq)
        SELECT 'accounts', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'accounts');
    UPDATE sqlite_sequence SET seq = max(seq, 1048576 + abs(random() % 1072693248)) WHERE name = 'accounts';
    """,
    # 4 -> 5: the window shows "N messages will be deleted from the server at the next check" after
    # every delete; counting them walked every UIDL an account ever had (15 ms at 100,000 UIDLs,
    # on the GUI thread). Only the few queued ones are in this partial index.
    """
    CREATE INDEX server_uids_deleted_locally ON server_uids(account_id) WHERE state = 'deleted_locally';
    """,
    # 5 -> 6: the outbox (issue 16). A message to send is committed here before any connection;
    # once the server's final 250 is in, the row moves into messages (folder 'sent') in one
    # transaction, so it is always in exactly one of the two. Sent and Drafts are folders of
    # the messages table, not tables of their own. final_dot_at is committed just before the
    # final "." of DATA: a row left in 'sending' with it set may have been delivered, one without
    # it was not (the server drops a DATA that never ended). app.core.send.outbox has the states.
    """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a late report must not hit a newcomer
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        state TEXT NOT NULL,                 -- queued | sending | failed | unsure (OutboxState)
        raw BLOB NOT NULL,                   -- the exact octets for DATA (no Bcc); Sent gets these
        envelope_from TEXT NOT NULL,
        recipients TEXT NOT NULL,            -- JSON list of envelope recipients (To, Cc and Bcc)
        subject TEXT NOT NULL DEFAULT '',
        message_id TEXT NOT NULL DEFAULT '',
        queued_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        attempt_started_at REAL,
        final_dot_at REAL,
        next_attempt_at REAL,                -- after a temporary failure: not before then
        last_error TEXT                      -- what the server (or the link) said, for the user
    );
    CREATE INDEX outbox_by_state ON outbox(state, next_attempt_at);
    """,
    # 6 -> 7: the address book (issue 16; app.core.contacts). A contact's addresses keep their
    # order (position 0 is the primary one); a group is a name on its members, no row of its own.
    # contact_keys and seen_address_keys hold the prefixes completion looks up (names, pinyin,
    # initials, addresses: app.core.contacts.keys), computed when a row is written, so a
    # keystroke is one index range scan however many contacts there are. Addresses seen in mail
    # are gathered after the fetch, like the search index: rows stored before start at 0.
    """
    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',       -- the full name as shown (vCard FN)
        family_name TEXT NOT NULL DEFAULT '',
        given_name TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE contact_addresses (
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,           -- 0: the primary address
        address TEXT NOT NULL,
        address_key TEXT NOT NULL,           -- the address case-folded, as seen_addresses has it
        label TEXT NOT NULL DEFAULT '',      -- home, work, other or a program's own
        PRIMARY KEY (contact_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX contact_addresses_by_key ON contact_addresses(address_key);
    CREATE TABLE contact_groups (
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        PRIMARY KEY (contact_id, name)
    ) WITHOUT ROWID;
    CREATE INDEX contact_groups_by_name ON contact_groups(name COLLATE NOCASE);
    CREATE TABLE contact_keys (
        key TEXT NOT NULL,                   -- folded (no case, no accents), at most 80 characters
        contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        PRIMARY KEY (key, contact_id)
    ) WITHOUT ROWID;
    CREATE INDEX contact_keys_by_contact ON contact_keys(contact_id);
    CREATE TABLE seen_addresses (
        address_key TEXT PRIMARY KEY,        -- the address case-folded
        address TEXT NOT NULL,               -- as first seen
        name TEXT NOT NULL DEFAULT '',       -- the newest name it came with
        times_seen INTEGER NOT NULL,         -- messages it was in (From, To or Cc)
        last_seen REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE seen_address_keys (
        key TEXT NOT NULL,
        address_key TEXT NOT NULL,
        PRIMARY KEY (key, address_key)
    ) WITHOUT ROWID;
    ALTER TABLE messages ADD COLUMN addresses_seen INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX messages_pending_addresses ON messages(id) WHERE addresses_seen = 0;
    """,
    # 7 -> 8: the search index keeps a prefix index of 1 character only (issue 12). The one of 2
    # characters served only a query of exactly two letters still being typed (a CJK word is a
    # bigram, a whole token already; longer prefixes never used it), yet it made indexing a
    # message 2.5 times as dear (0.6 of 1.0 ms for typical mail) and the index 40 % larger.
    # Without it, "me" while typing scans the terms that begin so: 3-6 ms for 2-letter prefixes
    # over 20,000 messages of a 60,000-word vocabulary, as with it (docs/architecture.md). FTS5 cannot change its
    # options in place: the table is made again, empty, and every message waits for the
    # background indexer; until it is indexed again a search finds it by subject and addresses,
    # like new mail.
    """
    DROP TABLE message_search;
    DELETE FROM message_search_text;
    DELETE FROM message_search_deleted;
    UPDATE messages SET indexed = 0 WHERE indexed = 1;
    CREATE VIRTUAL TABLE message_search USING fts5(
        subject, addresses, body,
        content = '',
        columnsize = 0,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1'
    );
    """,
    # 8 -> 9: partial messages (issue 18): "download headers only" stores the header block of a
    # message and leaves the rest on the server. whole_size is the LIST size of the whole message
    # (NULL once the message is whole), so the reader can say how much is left; its server_uids
    # row is in state 'partial', which no policy deletes from the server.
    """
    ALTER TABLE messages ADD COLUMN whole_size INTEGER;
    """,
    # Tags (issue 19; app.core.store.tags). A tag belongs to the message, not to its
    # folder, so moves keep it; the foreign keys remove a message's tags when it is deleted for
    # good and a tag's marks when the tag is deleted. The five defaults are written in English
    # with a default_key by which the window translates them (a rename clears it); their colours
    # are Thunderbird's. message_tags' primary key serves "the tags of these messages" and the
    # cascade; the second index serves the list's tag filter and deleting a tag.
    """
    CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        colour TEXT NOT NULL,                -- "#rrggbb"
        position INTEGER NOT NULL,           -- the order: number keys 1-9 toggle the first nine
        default_key TEXT                     -- important, work, personal, todo, later; NULL once renamed
    );
    CREATE TABLE message_tags (
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        PRIMARY KEY (message_id, tag_id)
    ) WITHOUT ROWID;
    CREATE INDEX message_tags_by_tag ON message_tags(tag_id, message_id);
    INSERT INTO tags (name, colour, position, default_key) VALUES
        ('Important', '#ff0000', 0, 'important'),
        ('Work', '#ff9900', 1, 'work'),
        ('Personal', '#009900', 2, 'personal'),
        ('To do', '#3333ff', 3, 'todo'),
        ('Later', '#993399', 4, 'later');
    """,
    # User folders (issue 19; app.core.store.user_folders). messages.folder holds a folder
    # key: a built-in folder's name ('inbox', 'trash', 'sent', 'drafts', 'junk') or 'user:<id>' of
    # a row here. account_id NULL is "On this computer", parent_id NULL the top level. Ids are
    # never reused (AUTOINCREMENT), so a stale key never names a newcomer. Names are unique among
    # siblings ignoring case; the index is on expressions because NULLs never clash with each
    # other. A folder that goes with its account (ON DELETE CASCADE) leaves no message pointing
    # nowhere: the trigger sends them to their own Inbox (deleting a folder by hand moves its mail
    # to Trash first). trashed_from is the folder a message in Trash came from, so restoring puts
    # it back there.
    """
    CREATE TABLE folders (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
        parent_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE UNIQUE INDEX folders_by_name ON folders(ifnull(account_id, 0), ifnull(parent_id, 0), name COLLATE NOCASE);
    CREATE INDEX folders_by_parent ON folders(parent_id);
    CREATE TRIGGER folders_forget AFTER DELETE ON folders BEGIN
        UPDATE messages SET folder = 'inbox' WHERE folder = 'user:' || old.id;
    END;
    ALTER TABLE messages ADD COLUMN trashed_from TEXT;
    """,
    # Filter rules (issue 19; app.core.rules, rows in app.core.store.rules). A rule's conditions
    # and actions are one JSON document: a few dozen rows, always read whole. rule_runs records
    # each rule carried out on a message, so new mail is sorted once and "run rules now" twice
    # changes nothing; it goes with its message (ids can be reused once deleted) and its rule.
    # Its primary key serves the message side (the cascade, "rules applied to these"); the
    # second index the rule side (deleting or editing a rule).
    """
    CREATE TABLE rules (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        position INTEGER NOT NULL,           -- rules run in this order, lowest first
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        definition TEXT NOT NULL,            -- JSON: match (all/any), conditions, actions
        created_at REAL NOT NULL
    );
    CREATE TABLE rule_runs (
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
        PRIMARY KEY (message_id, rule_id)
    ) WITHOUT ROWID;
    CREATE INDEX rule_runs_by_rule ON rule_runs(rule_id);
    """,
    # The junk filter (issue 19; app.core.junk, rows in app.core.store.junk_tables). junk_tokens
    # holds, per token, how many trained junk and good messages had it: the whole model, shared by
    # the window and the command line. junk_trained records what each message was trained as,
    # with the tokens counted (zlib), so "Not Junk" after "Junk" takes back exactly what was added
    # even if the tokenizer changed; it outlives its message (a deleted message's lesson stays),
    # and sha256 tells a newcomer that got a deleted message's id. junk_state holds the settings
    # and the number of trained messages of each kind (the new-mail hook reads only this table,
    # and junk_blacklist, while the filter is untrained).
    """
    CREATE TABLE junk_tokens (
        token TEXT PRIMARY KEY,
        junk INTEGER NOT NULL DEFAULT 0,     -- trained junk messages that had the token
        ham INTEGER NOT NULL DEFAULT 0       -- trained good messages that had it
    ) WITHOUT ROWID;
    CREATE TABLE junk_trained (
        message_id INTEGER PRIMARY KEY,      -- no foreign key: the lesson outlives the message
        sha256 TEXT NOT NULL,
        verdict TEXT NOT NULL,               -- 'junk' or 'ham'
        tokens BLOB NOT NULL                 -- zlib of the tokens counted, NUL-separated
    );
    CREATE TABLE junk_state (
        key TEXT PRIMARY KEY,                -- enabled, thresholds, trust_contacts, junk_messages, ham_messages
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE junk_blacklist (
        entry TEXT PRIMARY KEY               -- an address or a domain, case-folded
    ) WITHOUT ROWID;
    """,
    # Filter rules catch up after a kill (issue 19; app.core.rules.new_mail): per account, the
    # highest message id the new-mail step has sorted while rules were on. A fetch killed between
    # a commit and its sorting leaves fetched Inbox mail above it; the account's next fetch sorts
    # that first. Written only while some rule is enabled (no cost on the fetch path otherwise),
    # and emptied when rules are switched on again, so mail that came while they were off stays.
    """
    CREATE TABLE new_mail_sorted (
        account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        through_id INTEGER NOT NULL
    );
    """,
    # The search index gathers up to 8 MiB of new terms in memory before it writes them out as a
    # segment (FTS5's 'hashsize'; 1 MiB by default, which a batch of 500 typical messages filled
    # three times over, each flush a segment to merge later). Indexing the bench mailbox took a
    # fifth less CPU (2.6 instead of 3.3 s for 5,000 messages), 20,000 small ones a tenth less,
    # with fewer segments for queries to read. FTS5 keeps the setting in its config table.
    """
    INSERT INTO message_search (message_search, rank) VALUES ('hashsize', 8388608);
    """,
)

SCHEMA_VERSION = len(_MIGRATIONS)


def migrate(connection: sqlite3.Connection) -> None:
    """Bring the database up to :data:`SCHEMA_VERSION`; refuse a newer one."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(f"this mail store was written by a newer Poplark (schema {version}); "
                         "update Poplark to open it")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another process (or another thread's Store) may have migrated between the read
            # above and this lock: running a migration twice fails ("duplicate column name").
            if connection.execute("PRAGMA user_version").fetchone()[0] >= target:
                connection.execute("COMMIT")
                continue
            for statement in _statements(_MIGRATIONS[target - 1]):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {target}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT first; split instead so each migration is one transaction.
    # complete_statement() knows about comments and quotes, so a ";" inside them is safe.
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
