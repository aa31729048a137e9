"""Building messages from drafts, and drafts from stored messages (issue 16).

Every built message is read back through the same reading path as received mail
(app.core.message.view), so what is sent is what any reader of ours would show.
"""

from __future__ import annotations

import base64
import email
import email.policy
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.compose.build import build_message, flow
from app.core.compose.draft import Draft, DraftAttachment
from app.core.compose.respond import (
    edit_as_new,
    forward_as_attachment,
    forward_inline,
    reopen_draft,
    reply,
)
from app.core.compose.subjects import forward_subject, reply_subject
from app.core.errors import ConfigError
from app.core.message.flowed import unflow
from app.core.message.view import parse_message, part_payload

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
LONG_NAME = "二〇二六年第四季度财务报告（最终版本）附件一览表及说明文档.pdf"


def chinese_draft(**changes: object) -> Draft:
    draft = Draft(from_address="zhang.san@example.cn", from_name="张三",
                  to=["李四 <li.si@example.cn>, bob@example.org"], cc=["王五 <wang.wu@example.cn>"],
                  bcc=["secret@example.net"], subject="关于下周会议的通知：请准时参加，并带上第四季度的全部报告",
                  text="各位同事：\n请准时参加。\n.一行以点开头\n",
                  attachments=[DraftAttachment(LONG_NAME, b"%PDF-1.4 " * 500), DraftAttachment("notes.txt", b"hi\n")])
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft


def test_a_chinese_message_is_7bit_crlf_and_reads_back_right() -> None:
    built = build_message(chinese_draft())
    raw = built.raw
    assert raw.isascii(), "every header and body line must be 7-bit"
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    view = parse_message(raw)
    assert view.subject == "关于下周会议的通知：请准时参加，并带上第四季度的全部报告"
    assert view.sender == "张三 <zhang.san@example.cn>"
    assert "李四 <li.si@example.cn>" in view.to and "bob@example.org" in view.to
    assert view.plain_text is not None and view.plain_text.startswith("各位同事：\n请准时参加。\n.一行以点开头")
    assert [attachment.filename for attachment in view.attachments] == [LONG_NAME, "notes.txt"]
    assert part_payload(raw, view.attachments[0].part_index)[0] == b"%PDF-1.4 " * 500
    assert view.message_id == built.message_id and re.fullmatch(r"<[0-9a-f]+\.poplark@example\.cn>", built.message_id)


def test_bcc_is_in_the_envelope_only() -> None:
    built = build_message(chinese_draft())
    assert b"secret@example.net" not in built.raw and b"\r\nBcc:" not in built.raw
    assert built.recipients == ["li.si@example.cn", "bob@example.org", "wang.wu@example.cn", "secret@example.net"]
    assert built.sender == "zhang.san@example.cn"
    # A saved draft keeps it, and reopening gives the draft back.
    saved = build_message(chinese_draft(), for_draft=True)
    assert b"\r\nBcc: secret@example.net\r\n" in saved.raw
    again = reopen_draft(saved.raw)
    assert again.bcc == ["secret@example.net"] and again.cc == ["王五 <wang.wu@example.cn>"]
    assert again.to == ["李四 <li.si@example.cn>", "bob@example.org"]
    assert [(a.filename, a.data) for a in again.attachments] == [(LONG_NAME, b"%PDF-1.4 " * 500),
                                                                 ("notes.txt", b"hi\n")]


def test_attachment_names_in_rfc2231_and_rfc2047() -> None:
    raw = build_message(chinese_draft()).raw
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    part = next(p for p in message.walk() if p.get_filename() or p.get_param("name"))
    disposition = part["Content-Disposition"]
    assert "filename*0*=utf-8''" in disposition
    content_type = str(part["Content-Type"])
    assert 'name="=?utf-8?b?' in content_type
    words = re.findall(r"=\?utf-8\?b\?([A-Za-z0-9+/=]+)\?=", content_type)
    assert all(len(word) + 12 <= 75 for word in words)
    assert b"".join(base64.b64decode(word) for word in words).decode("utf-8") == LONG_NAME
    # The modern reader agrees on both.
    modern = email.message_from_bytes(raw, policy=email.policy.default)
    names = [(p.get_filename(), p.get_param("name")) for p in modern.iter_attachments()]
    assert names[0] == (LONG_NAME, LONG_NAME)


def test_headers_of_a_reply_and_the_date() -> None:
    when = datetime(2026, 12, 1, 20, 15, tzinfo=UTC)
    draft = Draft(from_address="me@example.org", to=["you@example.com"], subject="Re: lunch", text="yes",
                  in_reply_to="<b@x>", references=["<a@x>", "<b@x>"])
    raw = build_message(draft, date=when, message_id="<fixed@example.org>").raw
    assert b"\r\nIn-Reply-To: <b@x>\r\nReferences: <a@x> <b@x>\r\n" in raw
    assert raw.startswith(b"Date: Tue, 01 Dec 2026 20:15:00 +0000\r\n")
    assert b"\r\nMessage-ID: <fixed@example.org>\r\n" in raw


@pytest.mark.parametrize("address", ["no-at-sign", "a b@example.com", "a@@b.org", "a@",
                                     "x@example..org", "用户 名@example.com"])
def test_an_invalid_address_is_refused_with_its_field(address: str) -> None:
    with pytest.raises(ConfigError, match="in Cc"):
        build_message(Draft(from_address="me@example.org", to=["ok@example.com"], cc=[address], text="x"))


def test_no_recipient_and_no_sender_are_refused() -> None:
    with pytest.raises(ConfigError, match="no recipient"):
        build_message(Draft(from_address="me@example.org", text="x"))
    with pytest.raises(ConfigError, match="From"):
        build_message(Draft(to=["a@example.com"], text="x"))
    assert build_message(Draft(from_address="me@example.org"), for_draft=True).raw


def test_an_idn_domain_goes_out_as_punycode() -> None:
    built = build_message(Draft(from_address="me@example.org", to=["朋友 <friend@例子.中国>"], text="x"))
    assert built.recipients == ["friend@xn--fsqu00a.xn--fiqs8s"]


def test_html_goes_with_a_plain_alternative() -> None:
    raw = build_message(Draft(from_address="me@example.org", to=["a@example.com"], text="Hello *you*",
                              html="<p>Hello <b>you</b></p>")).raw
    view = parse_message(raw)
    assert view.html is not None and "<b>you</b>" in view.html
    assert view.plain_text == "Hello *you*\n"


def test_format_flowed_rewraps_to_the_same_text() -> None:
    text = ("This is a long paragraph that goes on and on well past seventy-two characters so that it "
            "must be broken into several lines.\nFrom the start.\n short\n-- \nsig\n")
    flowed = flow(text)
    assert all(len(line) <= 78 for line in flowed.split("\n"))
    assert unflow(flowed) == text
    raw = build_message(Draft(from_address="me@example.org", to=["a@example.com"], text=text, flowed=True)).raw
    assert b'format="flowed"' in raw
    assert parse_message(raw).plain_text == text


@pytest.mark.parametrize(("subject", "language", "expected"), [
    ("lunch", "en", "Re: lunch"),
    ("Re: lunch", "en", "Re: lunch"),
    ("RE: Re: lunch", "en", "Re: lunch"),
    ("回复：Re: 午饭", "en", "Re: 午饭"),
    ("答复: 午饭", "zh_CN", "回复：午饭"),
    ("Re[2]: lunch", "en", "Re: lunch"),
    ("Fwd: lunch", "en", "Re: Fwd: lunch"),
])
def test_reply_prefixes_are_not_doubled(subject: str, language: str, expected: str) -> None:
    assert reply_subject(subject, language) == expected


@pytest.mark.parametrize(("subject", "language", "expected"), [
    ("lunch", "en", "Fwd: lunch"),
    ("FW: lunch", "en", "Fwd: lunch"),
    ("转发：Fwd: 午饭", "zh_CN", "转发：午饭"),
    ("Re: lunch", "en", "Fwd: Re: lunch"),
])
def test_forward_prefixes_are_not_doubled(subject: str, language: str, expected: str) -> None:
    assert forward_subject(subject, language) == expected


ORIGINAL = (
    "From: =?gbk?b?1cXI/Q==?= <zhang.san@example.cn>\r\n"
    "Reply-To: Team <team@example.cn>\r\n"
    "To: me@example.org, Li <li@example.cn>\r\n"
    "Cc: Me Too <ME@example.org>, wang@example.cn\r\n"
    "Subject: =?gbk?b?u+HS6Q==?=\r\n"
    "Date: Tue, 01 Dec 2026 20:15:00 +0800\r\n"
    "Message-ID: <m2@example.cn>\r\n"
    "References: <m0@example.cn> <m1@example.cn>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=gbk\r\n"
    "\r\n").encode("ascii") + "明天开会。\r\n> 旧的引用\r\n".encode("gbk")


def test_reply_quotes_the_decoded_text_under_a_localised_attribution() -> None:
    draft = reply(ORIGINAL, ["me@example.org"], "zh_CN")
    assert draft.to == ["Team <team@example.cn>"] and draft.cc == []
    assert draft.subject == "回复：会议"
    assert draft.in_reply_to == "<m2@example.cn>"
    assert draft.references == ["<m0@example.cn>", "<m1@example.cn>", "<m2@example.cn>"]
    assert re.search(r"\n在 2026年12月1日 \d\d:15，张三 写道：\n> 明天开会。\n>> 旧的引用\n", draft.text)
    english = reply(ORIGINAL, ["me@example.org"], "en")
    assert re.search(r"\nOn Tue, 1 Dec 2026 at \d\d:15, 张三 wrote:\n> 明天开会。", english.text)


def test_reply_all_leaves_out_every_own_address() -> None:
    draft = reply(ORIGINAL, ["me@example.org"], "en", reply_all=True)
    assert draft.to == ["Team <team@example.cn>"]
    assert draft.cc == ["Li <li@example.cn>", "wang@example.cn"]


def test_replying_to_my_own_message_goes_to_its_recipients() -> None:
    mine = build_message(Draft(from_address="me@example.org", to=["you@example.com"], subject="hi", text="x")).raw
    assert reply(mine, ["me@example.org"]).to == ["you@example.com"]


def test_forward_as_attachment_keeps_the_stored_bytes() -> None:
    original = (CORPUS / "gbk-subject.eml").read_bytes()
    draft = forward_as_attachment(original, "zh_CN")
    assert draft.subject == "转发：关于下周会议的通知"
    raw = build_message(dataclass_replace(draft, from_address="me@example.org", to=["a@example.com"])).raw
    view = parse_message(raw)
    [attached] = view.attachments
    assert attached.is_message and attached.filename == "关于下周会议的通知.eml"
    payload = part_payload(raw, attached.part_index)[0]
    assert payload.replace(b"\r\n", b"\n") == original.replace(b"\r\n", b"\n")


def test_forward_inline_and_edit_as_new_carry_the_attachments() -> None:
    original = (CORPUS / "message-rfc822-attached.eml").read_bytes()
    draft = forward_inline(original, "en")
    assert draft.subject == "Fwd: the original"
    assert "---------- Forwarded message ----------\nFrom: Alice Example <alice@example.com>" in draft.text
    assert "See the attached message." in draft.text
    assert [a.filename for a in draft.attachments] == ["原始邮件 Original message.eml"]
    again = edit_as_new(original)
    assert again.subject == "Fwd: the original" and again.to == ["Bob <bob@example.org>"]
    assert again.in_reply_to == "" and len(again.attachments) == 1


def dataclass_replace(draft: Draft, **changes: object) -> Draft:
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft


def test_a_non_ascii_mailbox_makes_a_utf8_message() -> None:
    built = build_message(Draft(from_address="me@example.org", to=["张三 <用户@例子.中国>"], subject="你好", text="x"))
    assert built.smtputf8 and built.recipients == ["用户@xn--fsqu00a.xn--fiqs8s"]
    head = built.raw[: built.raw.index(b"\r\n\r\n")].decode("utf-8")
    assert "<用户@xn--fsqu00a.xn--fiqs8s>" in head  # the mailbox itself in UTF-8: no other way to write it
    view = parse_message(built.raw)
    assert view.to == "张三 <用户@xn--fsqu00a.xn--fiqs8s>" and view.subject == "你好"
    assert not build_message(Draft(from_address="me@example.org", to=["a@例子.中国"], text="x")).smtputf8


def test_pasted_images_travel_inline_with_the_html_and_come_back_with_the_draft() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    draft = Draft(from_address="me@example.org", to=["a@example.com"], subject="图", text="see the image",
                  html='<p>see <img src="cid:paste1@poplark"></p>',
                  attachments=[DraftAttachment("报告.pdf", b"%PDF"),
                               DraftAttachment("paste1.png", png, "image/png", content_id="paste1@poplark")])
    raw = build_message(draft, for_draft=True).raw
    assert raw.count(b"MIME-Version:") == 1
    assert b"Content-Type: multipart/related" in raw and b"Content-ID: <paste1@poplark>" in raw
    view = parse_message(raw)
    assert [attachment.filename for attachment in view.attachments] == ["报告.pdf"]
    assert part_payload(raw, view.inline_parts["paste1@poplark"])[0] == png
    again = reopen_draft(raw)
    assert again.html is not None and "cid:paste1@poplark" in again.html
    assert [(a.data, a.content_id, a.mime_type) for a in again.attachments] == [
        (b"%PDF", "", "application/pdf"), (png, "paste1@poplark", "image/png")]
    # Rebuilt from the reopened draft: the same structure again.
    assert parse_message(build_message(again).raw).inline_parts.keys() == {"paste1@poplark"}
