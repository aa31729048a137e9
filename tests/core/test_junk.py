"""The junk filter (issue 19): training that survives a restart, untraining, trusted and blocked
senders, Chinese spam learnt from its bigrams, and the new-mail step's do-nothing case."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.contacts.model import Contact, ContactAddress
from app.core.errors import ConfigError
from app.core.junk.filter import JUNK_FOLDER, classify, classify_new, load_model, mark, train, untrain
from app.core.junk.scoring import chi2_q, combine, token_probability
from app.core.junk.senders import blacklist_entry, is_blocked
from app.core.junk.settings import MIN_TRAINED_PER_CLASS, JunkSettings, Verdict
from app.core.junk.tokens import message_tokens, sender_address
from app.core.model import Account, Folder
from app.core.store import Profile, Store
from tests.fakes.junk_corpus import corpus


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


@pytest.fixture
def account(store: Store) -> Account:
    return store.add_account(Account(name="work", host="pop.example.com", user="me"))


def _message(sender: str, subject: str, body: str) -> bytes:
    encoded = base64.b64encode(subject.encode()).decode()
    return (f"From: {sender}\r\nTo: me@poplark.test\r\nSubject: =?utf-8?B?{encoded}?=\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n").encode() + base64.encodebytes(body.encode())


def _store_all(store: Store, account: Account, raws: list[bytes], prefix: str) -> list[int]:
    ids = [store.add_message(account, f"{prefix}{index}", raw).id for index, raw in enumerate(raws)]
    store.commit()
    return ids


def _trained(store: Store, account: Account, count: int = 60) -> None:
    messages = corpus(count, seed=7)
    ids = _store_all(store, account, [message.raw for message in messages], "train")
    train(store, [i for i, message in zip(ids, messages, strict=True) if message.junk], True)
    train(store, [i for i, message in zip(ids, messages, strict=True) if not message.junk], False)


SPAM = _message("Prize Team <win@lucky-draw.xyz>", "Congratulations winner!!!",
                "Click here to claim your $1,000,000 reward. Limited time offer, act now! 100% guaranteed.")
HAM = _message("Alice Smith <alice@example.com>", "Meeting notes for Friday",
               "Attached are the notes from our meeting; please add anything I missed. The draft needs one more pass.")


def test_scoring_arithmetic() -> None:
    assert token_probability(0, 0, 10, 10) == 0.5
    assert token_probability(10, 0, 10, 10) > 0.95
    assert token_probability(0, 10, 10, 10) < 0.05
    assert chi2_q(0.0, 4) == 1.0
    assert combine([]) == 0.5
    assert combine([0.99] * 20) > 0.99
    assert combine([0.01] * 20) < 0.01
    assert 0.3 < combine([0.99] * 10 + [0.01] * 10) < 0.7  # evidence both ways: unsure


def test_tokens_include_header_clues_and_cjk_bigrams() -> None:
    raw = _message("客服 <news@Promo.Example.com.cn>", "代开发票", "点击 https://evil.example.net/x 领取")
    tokens = message_tokens(raw)
    assert {"from:addr:news@promo.example.com.cn", "from:domain:example.com.cn", "subject:代开", "subject:发票",
            "url:example.net", "领取", "点击"} <= tokens
    assert sender_address(raw) == "news@promo.example.com.cn"


def test_untrained_filter_does_nothing_in_one_query(store: Store, account: Account) -> None:
    ids = _store_all(store, account, [SPAM, HAM], "new")
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    assert classify_new(store, ids) == set()
    store.db.set_trace_callback(None)
    assert len(statements) == 1
    assert {summary.folder for summary in store.summaries(ids).values()} == {"inbox"}


def test_training_survives_a_restart_and_moves_junk_once(store: Store, account: Account) -> None:
    _trained(store, account)
    path = store.path
    store.close()
    reopened = Store(path)
    try:
        model = load_model(reopened)
        assert model.trained and model.junk_messages >= MIN_TRAINED_PER_CLASS
        ids = _store_all(reopened, account, [SPAM, HAM], "new")
        assert classify_new(reopened, ids) == {ids[0]}
        summaries = reopened.summaries(ids)
        assert summaries[ids[0]].folder == JUNK_FOLDER == str(Folder.JUNK)
        assert summaries[ids[1]].folder == "inbox"
        assert classify_new(reopened, ids) == set()  # a rerun changes nothing
    finally:
        reopened.close()


def test_not_junk_untrains_what_junk_taught(store: Store, account: Account) -> None:
    (message_id,) = _store_all(store, account, [SPAM], "one")
    assert mark(store, [message_id], junk=True).moved == 1
    assert store.summaries([message_id])[message_id].folder == JUNK_FOLDER
    tokens = sorted(message_tokens(SPAM))
    assert all(counts == (1, 0) for counts in store.token_counts(tokens).values())
    outcome = mark(store, [message_id], junk=False)  # changed their mind
    assert (outcome.learned, outcome.moved) == (1, 1)
    assert store.summaries([message_id])[message_id].folder == "inbox"
    assert all(counts == (0, 1) for counts in store.token_counts(tokens).values())
    assert (load_model(store).junk_messages, load_model(store).ham_messages) == (0, 1)
    assert mark(store, [message_id], junk=False).unchanged == 1  # twice the same: nothing counted twice
    assert untrain(store, [message_id]) == 1
    assert store.token_counts(tokens) == {} and store.junk_token_count() == 0
    assert (load_model(store).junk_messages, load_model(store).ham_messages) == (0, 0)


def test_trusted_senders_are_never_junk(store: Store, account: Account) -> None:
    _trained(store, account)
    contact = _message("Friend <friend@lucky-draw.xyz>", "Congratulations winner!!!",
                       "Click here to claim your $1,000,000 reward. Limited time offer, act now!")
    written = _message("<pen.pal@lucky-draw.xyz>", "Congratulations winner!!!",
                       "Click here to claim your reward. Limited time offer, act now! 100% guaranteed.")
    store.save_contact(Contact("Friend", (ContactAddress("Friend@Lucky-Draw.xyz"),)))
    sent = store.add_message(account, "poplark-sent:1", b"From: me@poplark.test\r\nTo: Pen <pen.pal@lucky-draw.xyz>\r\n"
                             b"Subject: hi\r\n\r\nhello\r\n")
    store.commit()
    store.move_messages([sent.id], str(Folder.SENT))
    ids = _store_all(store, account, [contact, written, SPAM], "new")
    verdicts = {c.message_id: (c.verdict, c.reason) for c in classify(store, ids)}
    assert verdicts[ids[0]] == (Verdict.GOOD, "trusted")
    assert verdicts[ids[1]] == (Verdict.GOOD, "trusted")
    assert verdicts[ids[2]] == (Verdict.JUNK, "score")
    store.set_junk_state(JunkSettings(trust_contacts=False).as_state())
    assert classify_new(store, ids) == set(ids)


def test_blocked_senders_are_junk_even_untrained(store: Store, account: Account) -> None:
    store.set_junk_blacklist([blacklist_entry("@Example.com")])
    (message_id,) = _store_all(store, account, [HAM], "new")
    [classification] = classify(store, [message_id])
    assert (classification.verdict, classification.reason) == (Verdict.JUNK, "blocked")
    assert classify_new(store, [message_id]) == {message_id}


def test_blacklist_entries() -> None:
    assert blacklist_entry(" *.Spam.Example ") == "spam.example"
    assert blacklist_entry("Bad@Spam.Example") == "bad@spam.example"
    with pytest.raises(ConfigError):
        blacklist_entry("not an address")
    entries = frozenset({"spam.example", "one@other.example"})
    assert is_blocked("x@mail.spam.example", entries)
    assert is_blocked("one@other.example", entries)
    assert not is_blocked("two@other.example", entries)
    assert not is_blocked("x@notspam.example", entries)


def test_chinese_spam_learnt_from_bigrams_is_caught(store: Store, account: Account) -> None:
    spam = [_message(f"客服{n} <kefu{n}@mail{n}.example.cn>", subject, body) for n, (subject, body) in enumerate([
        ("代开发票", "本公司常年代开增值税发票，点数优惠，欢迎来电咨询。"),
        ("优惠代开发票", "代开各类发票，税点低，诚信经营。"),
        ("发票代开", "专业代开增值税专用发票，欢迎合作。"),
        ("开票服务", "长期代开发票，点数优惠，加微信咨询。"),
        ("增值税发票", "代开增值税发票，欢迎来电。"),
        ("诚信代开", "代开发票，诚信经营，税点优惠。"),
    ])]
    ham = [_message(f"同事{n} <colleague{n}@company.example>", subject, body) for n, (subject, body) in enumerate([
        ("关于下周会议的安排", "附件是上次会议的纪要，请大家补充遗漏的内容。"),
        ("报销", "请各位同事在月底前把报销单交到财务部。"),
        ("周末的照片", "周末的照片已经上传到相册，孩子们玩得很开心。"),
        ("合同修改意见", "合同第五条需要修改，我已经在文档里做了批注。"),
        ("出差行程", "出差的机票和酒店都订好了，行程单见附件。"),
        ("部门聚餐", "部门聚餐定在周五晚上六点，地点在公司楼下。"),
    ])]
    ids = _store_all(store, account, spam + ham, "train")
    train(store, ids[:len(spam)], True)
    train(store, ids[len(spam):], False)
    # New words, a new sender: only the bigrams 代开 and 发票 (and 优惠) were seen before.
    new_spam = _message("推广 <ad@another.example.org>", "年底代开发票", "年底优惠，代开发票，速来。")
    new_ham = _message("同事 <colleague9@company.example>", "下周会议", "下周的会议改到周五，请大家准时参加。")
    new_ids = _store_all(store, account, [new_spam, new_ham], "new")
    verdicts = {c.message_id: c.verdict for c in classify(store, new_ids)}
    assert verdicts == {new_ids[0]: Verdict.JUNK, new_ids[1]: Verdict.GOOD}
    assert classify_new(store, new_ids) == {new_ids[0]}


def test_settings_validate_and_round_trip(store: Store) -> None:
    with pytest.raises(ConfigError):
        JunkSettings(junk_threshold=0.1, unsure_threshold=0.5)
    settings = JunkSettings(enabled=False, junk_threshold=0.8, unsure_threshold=0.3, trust_contacts=False)
    store.set_junk_state(settings.as_state())
    assert load_model(store).settings == settings
    assert JunkSettings.from_state({"junk_threshold": "nonsense"}) == JunkSettings()


def test_disabled_filter_moves_nothing(store: Store, account: Account) -> None:
    _trained(store, account)
    store.set_junk_state(JunkSettings(enabled=False).as_state())
    ids = _store_all(store, account, [SPAM], "new")
    assert classify_new(store, ids) == set()
