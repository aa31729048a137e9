"""Every message in tests/corpus read as a person would read it, and stored byte for byte.

Each corpus file is one difficult case (see tests/corpus/README.md). The table below says what a
reader must see: subject, sender, words of the body, attachment names. A generous pytest timeout
guards against hangs; timings are not asserted (bench/ measures them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core.message.headers import message_headers
from app.core.message.summary import summarize
from app.core.message.text import readable_text, searchable_text
from app.core.message.tree import parse_tree
from app.core.message.view import body_texts, build_view, parse_message, part_payload
from app.core.model import Account
from app.core.store import Profile, Store

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ALICE = "Alice Example <alice@example.com>"


@dataclass(frozen=True)
class Expected:
    subject: str
    sender: str = ALICE
    words: tuple[str, ...] = ()          # must all appear in the body text (plain, else HTML as text)
    attachments: tuple[str, ...] = ()    # safe file names, in order
    charset: str | None = None           # the charset the body was decoded with


EXPECTED: dict[str, Expected] = {
    "gbk-subject.eml": Expected("关于下周会议的通知", "张三 <zhang.san@example.cn>", ("请准时参加下周一的会议",),
                                charset="gb18030"),
    "gb2312-label-gbk-characters.eml": Expected("朱镕基访问纪要", "王芳 <wang.fang@example.cn>",
                                                ("镕字不在 GB2312 里",), charset="gb18030"),
    "gb18030.eml": Expected("䶮 四字节字符 😀", "li@example.cn", ("龑䶮是 GB18030 四字节字符", "😀"),
                            charset="gb18030"),
    "big5.eml": Expected("會議通知", "陳大文 <chan@example.hk>", ("佢哋嘅報告",), charset="big5hkscs"),
    "encoded-word-split.eml": Expected("会议纪要", words=("split across two encoded words",)),
    "raw-utf8-header.eml": Expected("季度报告 – Q3 résumé", "李雷 <li.lei@example.cn>", ("RFC 6532 正文",),
                                    charset="utf-8"),
    "raw-gbk-header.eml": Expected("周报：本周工作总结", "韩梅梅 <han@example.cn>", ("本周完成了三个任务",)),
    "unknown-charset.eml": Expected("Hello World and more", words=("Qapla' — success",)),
    "broken-base64.eml": Expected("Report =?utf-8?B?@@@@?= final", words=("Quarterly numbers",)),
    "format-flowed.eml": Expected("Flowed text", words=(
        "should be joined back into one line.", "这是一段很长的中文段落，被发送方折行了。",
        "> Quoted text that also flows.", "\nFrom a space-stuffed line.")),
    "html-newsletter.eml": Expected("Weekly News: the sale starts today", "Shop <news@shop.example.net>",
                                    ("plain version",)),
    "html-only-quoted-printable.eml": Expected("Café menu", "Smith, John <john@example.com>",
                                               ("Café menu", "crème brûlée")),
    "related-cid-image.eml": Expected("Inline logo", words=("Our logo",)),
    "rfc2231-chinese-filename.eml": Expected("Minutes attached", words=("Chinese names",),
                                             attachments=("会议纪要.docx", "年度预算表.xlsx")),
    "rfc2047-filename.eml": Expected("Quotation", words=("quotation is attached",),
                                     attachments=("报价单.pdf", "照片.jpg")),
    "hostile-filenames.eml": Expected("Hostile attachment names", words=("attack",), attachments=(
        "passwd", "_CON.txt", "invoicefdp.exe", "badname.txt", "evil.dll", "bashrc", "part-8.pdf", "_lpt1.log")),
    "message-rfc822-attached.eml": Expected("Fwd: the original", words=("See the attached message",),
                                            attachments=("原始邮件 Original message.eml",)),
    "undeclared-charset-gbk-body.eml": Expected("No charset declared", words=("正文是 GBK 编码",),
                                                charset="gb18030"),
    "mislabelled-utf8-is-gbk.eml": Expected("Says utf-8, is GBK", words=("其实是 GBK",), charset="gb18030"),
    "latin1-undeclared.eml": Expected("Crème brûlée", words=("crème brûlée très sucrée",)),
    "iso-2022-jp.eml": Expected("会議のお知らせ", "山田太郎 <yamada@example.jp>", ("明日の会議は十時からです",)),
    "dot-lines.eml": Expected("Lines that start with a dot", words=(
        "\n.hidden line starts with a dot\n", "\n..double dot line\n", "\n.\nafter the lone dot")),
    "nul-bytes.eml": Expected("NUL bytes in the body", words=("before", "after", "end")),
    "bare-cr.eml": Expected("Bare CR in the subject", words=("line one\nline two\nline three",)),
    "long-line.eml": Expected("One very long line", words=("start lorem ipsum", "finish")),
    "deep-nesting.eml": Expected("Two hundred levels of multipart", attachments=("part-64",)),
    "missing-final-boundary.eml": Expected("Final boundary missing", words=("The text part survives",),
                                           attachments=("report.pdf",)),
    "boundary-not-found.eml": Expected("Boundary never appears", words=("Text under the wrong boundary",)),
    "duplicate-message-id-1.eml": Expected("First copy", "Alice <alice@example.com>", ("first body",)),
    "duplicate-message-id-2.eml": Expected("Second copy", "Alice <alice@example.com>", ("second body",)),
    "missing-date.eml": Expected("No Date header", words=("undated",)),
    "malformed-date.eml": Expected("Date is nonsense", words=("bad date",)),
    "ten-thousand-recipients.eml": Expected("Everyone", "List <list@example.org>", ("hello all",)),
}


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.eml"))


def test_every_corpus_file_has_expectations_and_the_corpus_stays_small() -> None:
    names = {path.name for path in corpus_files()}
    assert names == set(EXPECTED)
    assert sum(path.stat().st_size for path in corpus_files()) < 1_000_000
    # Byte-exact fixtures: every header line ends in CRLF (no editor or git rewrote them).
    for path in corpus_files():
        head = path.read_bytes().split(b"\r\n\r\n", 1)[0]
        assert b"\n" not in head.replace(b"\r\n", b""), path.name


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message_reads_as_a_person_would(name: str) -> None:
    raw = (CORPUS / name).read_bytes()
    expected = EXPECTED[name]
    view = parse_message(raw)
    assert view.subject == expected.subject
    assert view.sender == expected.sender
    body = view.plain_text if view.plain_text is not None else readable_text(raw)
    for word in expected.words:
        assert word in body, (word, body[:300])
    assert tuple(attachment.filename for attachment in view.attachments) == expected.attachments
    if expected.charset is not None:
        assert view.charset == expected.charset
    # The list (summarize) and the viewer agree on the subject.
    summary = summarize(raw)
    assert (summary.subject, summary.sender) == (expected.subject, expected.sender)
    # Every attachment's payload can be fetched, and its listed size is its decoded size.
    for attachment in view.attachments:
        data, content_type = part_payload(raw, attachment.part_index)
        assert content_type == attachment.content_type
        assert len(data) == attachment.size


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_list_and_the_viewer_read_the_same_header_fields(name: str) -> None:
    # One header parser: the list's fields (message_headers) and the viewer's (the tree's top part)
    # are the same, so every field both show reads the same.
    raw = (CORPUS / name).read_bytes()
    assert message_headers(raw) == parse_tree(raw).parts[0].headers
    summary, view = summarize(raw), parse_message(raw)
    assert (summary.subject, summary.message_id, summary.date) == (view.subject, view.message_id, view.date)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


@pytest.mark.timeout(60)
def test_stored_bytes_are_unchanged_and_summaries_decode(store: Store) -> None:
    account = store.add_account(Account(name="corpus", host="pop.example.com", user="alice"))
    stored: dict[int, str] = {}
    for path in corpus_files():
        summary = store.add_message(account, f"uid-{path.name}", path.read_bytes())
        stored[summary.id] = path.name
    store.commit()
    assert len(stored) == len(EXPECTED)  # duplicate Message-IDs are two messages, not one
    for message_id, name in stored.items():
        raw = (CORPUS / name).read_bytes()
        assert store.raw(message_id) == raw
        summary = store.message(message_id)
        assert summary.subject == EXPECTED[name].subject
        assert summary.size == len(raw)
        # What the viewer shows comes from the stored bytes alone.
        assert parse_message(store.raw(message_id)).subject == EXPECTED[name].subject


def read(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def test_html_newsletter_keeps_both_alternatives_and_flags_remote_content() -> None:
    view = parse_message(read("html-newsletter.eml"))
    assert view.html is not None and "Our biggest sale of the year" in view.html
    assert view.plain_text is not None and "plain version" in view.plain_text
    assert view.has_remote_content
    assert "Our biggest sale" in searchable_text(read("html-newsletter.eml")) or \
        "plain version" in searchable_text(read("html-newsletter.eml"))


def test_html_only_message_has_no_plain_text_and_is_searchable_as_text() -> None:
    raw = read("html-only-quoted-printable.eml")
    view = parse_message(raw)
    assert view.plain_text is None
    assert view.has_remote_content  # the image URL is spelled with an entity: &#104;ttp:
    text = searchable_text(raw)
    assert "crème brûlée" in text and "<b>" not in text


def test_inline_cid_image_is_served_not_listed() -> None:
    raw = read("related-cid-image.eml")
    view = parse_message(raw)
    assert view.attachments == ()
    assert set(view.inline_parts) == {"logo@example.com"}
    data, content_type = part_payload(raw, view.inline_parts["logo@example.com"])
    assert content_type == "image/png"
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")
    assert not view.has_remote_content


def test_attached_message_opens_as_a_message() -> None:
    raw = read("message-rfc822-attached.eml")
    attachment = parse_message(raw).attachments[0]
    assert attachment.is_message and attachment.content_type == "message/rfc822"
    inner = parse_message(part_payload(raw, attachment.part_index)[0])
    assert inner.subject == "原始邮件 Original message"
    assert inner.sender == "Carol <carol@example.net>"
    assert inner.plain_text is not None and "转发的正文" in inner.plain_text
    assert [item.filename for item in inner.attachments] == ["data.csv"]
    assert part_payload(part_payload(raw, attachment.part_index)[0], inner.attachments[0].part_index)[0] \
        == b"a,b\r\n1,2\r\n"


def test_duplicate_message_ids_are_both_kept_as_read() -> None:
    first = parse_message(read("duplicate-message-id-1.eml"))
    second = parse_message(read("duplicate-message-id-2.eml"))
    assert first.message_id == second.message_id == "<same@example.com>"
    assert (first.subject, second.subject) == ("First copy", "Second copy")


def test_dates_missing_malformed_and_valid() -> None:
    assert parse_message(read("missing-date.eml")).date is None
    malformed = parse_message(read("malformed-date.eml"))
    assert malformed.date is None
    assert malformed.date_text == "Blursday, 45 Smarch 20x6 99:99"
    assert any("date" in problem for problem in malformed.problems)
    assert parse_message(read("gbk-subject.eml")).date == 1793669400.0  # 2026-11-03 09:30 +0800


def test_ten_thousand_recipients_are_cut_with_a_count() -> None:
    view = parse_message(read("ten-thousand-recipients.eml"))
    assert view.to.startswith("u00000@example.org, u00001@example.org")
    assert view.to.endswith(", … (+9800)")
    assert view.to.count("@") == 200
    assert summarize(read("ten-thousand-recipients.eml")).recipients.startswith("u00000@example.org")


def test_broken_mime_is_reported_not_raised() -> None:
    assert any("base64" in problem or "transfer encoding" in problem
               for problem in parse_message(read("broken-base64.eml")).problems)
    assert any("boundary" in problem for problem in parse_message(read("missing-final-boundary.eml")).problems)
    assert any("boundary" in problem for problem in parse_message(read("boundary-not-found.eml")).problems)
    assert any("unknown charset" in problem for problem in parse_message(read("unknown-charset.eml")).problems)
    deep = parse_message(read("deep-nesting.eml"))
    assert any("nested too deeply" in problem for problem in deep.problems)


def test_long_line_is_kept_whole() -> None:
    view = parse_message(read("long-line.eml"))
    assert view.plain_text is not None
    assert len(view.plain_text) > 150_000
    assert view.plain_text.count("\n") == 1


def test_nul_bytes_show_as_replacement_marks() -> None:
    view = parse_message(read("nul-bytes.eml"))
    assert view.plain_text == "before\ufffd\ufffdafter\nend\n"


def test_charset_override_applies_to_the_body() -> None:
    raw = read("mislabelled-utf8-is-gbk.eml")
    latin = parse_message(raw, charset_override="iso-8859-1")
    assert latin.charset == "iso-8859-1"
    assert latin.plain_text is not None and "其实是" not in latin.plain_text
    forced = parse_message(raw, charset_override="gbk")
    assert forced.plain_text is not None and "其实是 GBK" in forced.plain_text


@pytest.mark.parametrize("path", sorted(CORPUS.rglob("*.eml")), ids=lambda path: path.name)
def test_the_search_index_reads_the_body_the_viewer_shows(path: Path) -> None:
    # searchable_text takes a shortcut (no headers, no attachment sizes): it must not change a word.
    raw = path.read_bytes()
    view = build_view(raw)
    assert body_texts(raw) == (view.plain_text, view.html)
    assert body_texts(raw, html_only_without_plain=True) == (
        view.plain_text, view.html if view.plain_text is None else None)
