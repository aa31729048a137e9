"""The quick filter in the store's listing: each choice alone, combined with each other and with the
search text (English and Chinese), on a real SQLite file, in both of the listing's search paths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.contacts.model import Contact, ContactAddress
from app.core.model import Account, Folder
from app.core.store import Profile, Store
from app.core.store.quick_filter import QuickFilter

ATTACHED = (b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
            b"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\n"
            b"JVBE\r\n--b--\r\n")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


@pytest.fixture
def mail(store: Store) -> dict[str, int]:
    """Six messages with known marks; returns their ids by a short name."""
    account = store.add_account(Account(name="work", host="pop.example.com", user="alice"))

    def add(name: str, sender: str, subject: str, extra: bytes = b"\r\nbody\r\n") -> int:
        head = f"From: {sender}\r\nSubject: {subject}\r\n".encode()
        return store.add_message(account, name, head + extra).id

    ids = {
        "boss": add("boss", "王经理 <Boss@Example.cn>", "增值税发票 March"),
        "friend": add("friend", "friend@example.org", "Lunch invoice"),
        "news": add("news", "News <news@example.com>", "Weekly invoice digest"),
        "pdf": add("pdf", "王经理 <boss@example.cn>", "合同", b"MIME-Version: 1.0\r\n" + ATTACHED),
        "spam": add("spam", "Spam <spam@example.net>", "发票 cheap"),
        "read": add("read", "friend@example.org", "old invoice"),
    }
    store.commit()
    store.set_seen([ids["read"], ids["news"]], True)
    store.set_flagged([ids["boss"], ids["news"]], True)
    work = store.tag_by_name("Work")
    assert work is not None
    store.add_tag([ids["boss"], ids["pdf"], ids["read"]], work.id)
    store.save_contact(Contact("王经理", (ContactAddress("boss@example.cn"),)))
    store.save_contact(Contact("Friend", (ContactAddress("FRIEND@example.org"),)))
    return ids


def listed(store: Store, text: str = "", **choices: object) -> set[int]:
    return set(store.message_ids(None, Folder.INBOX, text=text, quick=QuickFilter(**choices)))  # type: ignore[arg-type]


def names(mail: dict[str, int], ids: set[int]) -> set[str]:
    return {name for name, message_id in mail.items() if message_id in ids}


def test_nothing_switched_on_filters_nothing(store: Store, mail: dict[str, int]) -> None:
    assert not QuickFilter().active
    assert listed(store) == set(mail.values())


@pytest.mark.parametrize(("choice", "expected"), [
    ({"unread": True}, {"boss", "friend", "pdf", "spam"}),
    ({"flagged": True}, {"boss", "news"}),
    ({"has_attachment": True}, {"pdf"}),
    ({"from_contact": True}, {"boss", "friend", "pdf", "read"}),
])
def test_each_toggle_alone(store: Store, mail: dict[str, int], choice: dict[str, bool], expected: set[str]) -> None:
    assert names(mail, listed(store, **choice)) == expected


def test_tag(store: Store, mail: dict[str, int]) -> None:
    work, later = store.tag_by_name("Work"), store.tag_by_name("Later")
    assert work is not None and later is not None
    assert names(mail, listed(store, tag_id=work.id)) == {"boss", "pdf", "read"}
    assert listed(store, tag_id=later.id) == set()


def test_toggles_combine_with_and(store: Store, mail: dict[str, int]) -> None:
    work = store.tag_by_name("Work")
    assert work is not None
    assert names(mail, listed(store, unread=True, from_contact=True)) == {"boss", "friend", "pdf"}
    assert names(mail, listed(store, unread=True, tag_id=work.id, flagged=True)) == {"boss"}
    assert names(mail, listed(store, unread=True, flagged=True, has_attachment=True)) == set()


def test_with_search_text_in_english_and_chinese(store: Store, mail: dict[str, int]) -> None:
    work = store.tag_by_name("Work")
    assert work is not None
    assert names(mail, listed(store, "invoice", unread=True)) == {"friend"}
    assert names(mail, listed(store, "发票", from_contact=True)) == {"boss"}  # 发票 in 增值税发票
    assert names(mail, listed(store, "发票", unread=True)) == {"boss", "spam"}
    assert names(mail, listed(store, "王经理", tag_id=work.id, has_attachment=True)) == {"pdf"}


def test_with_search_text_after_indexing(store: Store, mail: dict[str, int]) -> None:
    """The same answers once the bodies are indexed (the listing then takes its FTS path)."""
    from app.core.store.search import index_all

    index_all(store)
    assert store.pending_search_count() == 0
    assert names(mail, listed(store, "invoice", unread=True)) == {"friend"}
    assert names(mail, listed(store, "发票", from_contact=True)) == {"boss"}


def test_filtered_order_follows_the_sort(store: Store, mail: dict[str, int]) -> None:
    everything = store.message_ids(None, Folder.INBOX)
    unread = store.message_ids(None, Folder.INBOX, quick=QuickFilter(unread=True))
    assert unread == [message_id for message_id in everything if message_id in set(unread)]


def test_with_a_broad_search(store: Store, mail: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A word in most mail takes the listing's other path (the folder, filtered by the matches)."""
    from app.core.store import search
    from app.core.store.search import index_all

    index_all(store)
    monkeypatch.setattr(search, "BROAD_SEARCH_HITS", 0)
    assert names(mail, listed(store, "invoice", unread=True)) == {"friend"}
    assert names(mail, listed(store, "发票", from_contact=True)) == {"boss"}
