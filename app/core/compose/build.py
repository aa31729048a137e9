"""A draft turned into the MIME bytes that are sent, stored in Sent, or saved in Drafts.

Built with the standard library's ``email`` package under the SMTP policy: CRLF line ends, every
header line 7-bit (RFC 2047 encoded words for names and subjects; UTF-8 only when an address has
non-ASCII letters before its @, which RFC 6531's SMTPUTF8 carries), bodies in UTF-8 as
quoted-printable or base64 (never 8-bit, so no server needs 8BITMIME), attachment names as RFC
2231 ``filename*`` and, for QQ Mail and Outlook which read only that, an RFC 2047 ``name=``.

The bytes returned are exactly those given to DATA (before dot-stuffing) and stored in Sent, so
what the recipient got and what Sent shows never differ. Bcc is in the envelope only; a saved
draft keeps it as a header, since a draft is never sent as it is.
"""

from __future__ import annotations

import base64
import email.policy
import email.utils
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage

from app import __version__
from app.core.compose.draft import Draft, DraftAttachment
from app.core.errors import ConfigError

#: RFC 5322 wants 78 characters a line; 7-bit so any server takes the bodies as they are.
#: refold_source="none": headers written pre-folded (set_raw) go out exactly as written.
POLICY = email.policy.SMTP.clone(cte_type="7bit", max_line_length=78, refold_source="none")
#: RFC 3676 section 4.2: flowed lines are wrapped before 78 characters, 72 recommended.
FLOWED_WIDTH = 72
#: UTF-8 bytes per RFC 2047 encoded word: base64 of 42 bytes is 56 characters; with the
#: "=?utf-8?b?" "?=" wrapping (68, under RFC 2047's 75) and ' name="' before the first word the
#: line stays under 78, so the email package writes the header as given instead of refolding it.
_WORD_BYTES = 42


@dataclass(frozen=True)
class BuiltMessage:
    raw: bytes
    message_id: str          # with <>
    sender: str              # the envelope sender (MAIL FROM)
    recipients: list[str]    # the envelope recipients (RCPT TO): To, Cc and Bcc, each once
    #: UTF-8 headers for an address with non-ASCII letters before the @ (RFC 6531): needs SMTPUTF8.
    smtputf8: bool = False


def build_message(draft: Draft, *, for_draft: bool = False, date: datetime | None = None,
                  message_id: str | None = None) -> BuiltMessage:
    """The message of ``draft``. Raises ConfigError for a missing sender or an invalid address.

    ``for_draft``: keep Bcc as a header and allow no recipients yet (a draft in Drafts).
    """
    sender = _address(draft.from_name, draft.from_address, "From")
    to, cc, bcc = (_addresses(values, label) for values, label in
                   ((draft.to, "To"), (draft.cc, "Cc"), (draft.bcc, "Bcc")))
    if not (to or cc or bcc) and not for_draft:
        raise ConfigError("the message has no recipient: add one in To, Cc or Bcc")
    # RFC 6531: a mailbox with non-ASCII letters before the @ (用户@例子.中国) cannot be written in
    # RFC 2047; the message then carries UTF-8 headers and needs a server with SMTPUTF8.
    utf8 = any(not address.username.isascii() for address in (sender, *to, *cc, *bcc))
    policy = POLICY.clone(utf8=True) if utf8 else POLICY
    message = EmailMessage(policy=policy)
    message["Date"] = email.utils.format_datetime(date or datetime.now().astimezone())
    message.set_raw("From", _address_header([sender]))
    if to:
        message.set_raw("To", _address_header(to))
    if cc:
        message.set_raw("Cc", _address_header(cc))
    if bcc and for_draft:
        message.set_raw("Bcc", _address_header(bcc))
    _set_unstructured(message, "Subject", single_line(draft.subject))
    identifier = message_id or make_message_id(sender.domain)
    message["Message-ID"] = identifier
    if draft.in_reply_to:
        message["In-Reply-To"] = draft.in_reply_to
    if draft.references:
        message["References"] = " ".join(draft.references)
    message["User-Agent"] = f"Poplark/{__version__}"
    _set_body(message, draft)
    for attachment in draft.attachments:
        if not (attachment.content_id and draft.html is not None):
            _attach(message, attachment)
    if draft.forwarded is not None:
        _attach_message(message, draft.forwarded, draft.forwarded_name)
    for part in message.walk():
        if part is not message:
            del part["MIME-Version"]  # the email package puts one in some parts; only the top needs it
    raw = message.as_bytes(policy=policy)
    recipients = _unique([address.addr_spec for address in (*to, *cc, *bcc)])
    return BuiltMessage(raw=raw, message_id=identifier, sender=sender.addr_spec, recipients=recipients,
                        smtputf8=utf8)


def _set_unstructured(message: EmailMessage, name: str, text: str) -> None:
    """A free-text header: plain ASCII as it is; otherwise RFC 2047 words that hold every
    character, spaces included, folded between words.

    The email package's own folding can leave a space *between* two encoded words, where RFC 2047
    readers (the email package's too) must drop it: "𐀀 ¡" came back as "𐀀¡" (found by
    tests/core/test_compose_fuzz.py).
    """
    if text.isascii() and not re.search(r"=\?|\?=", text):
        message[name] = text
        return
    words = [f"=?utf-8?b?{base64.b64encode(chunk).decode('ascii')}?=" for chunk in _utf8_chunks(text)]
    message.set_raw(name, "\r\n ".join(words))


def _address_header(addresses: list[Address]) -> str:
    """An address list written by hand, one address a line, for the reason of _set_unstructured
    (the email package's folding of encoded display names could add a space to a name)."""
    written: list[str] = []
    for address in addresses:
        name = address.display_name
        plain = email.utils.formataddr((name, address.addr_spec)) if name.isascii() else ""
        if not name:
            written.append(address.addr_spec)
        elif plain and len(plain) <= 70 and not re.search(r"=\?|\?=", name):
            written.append(plain)
        else:
            words = [f"=?utf-8?b?{base64.b64encode(chunk).decode('ascii')}?=" for chunk in _utf8_chunks(name)]
            written.append("\r\n ".join(words) + f" <{address.addr_spec}>")
    return ",\r\n ".join(written)


def single_line(text: str) -> str:
    """A header value as one line: line breaks and other controls become spaces, runs of white
    space one space (a value must never end a header or start another: header injection)."""
    return " ".join(_CONTROLS.sub(" ", text).split())


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def make_message_id(domain: str) -> str:
    """``<random@domain>``: unique without asking the system for its host name (slow, private)."""
    return f"<{uuid.uuid4().hex}.poplark@{domain or 'poplark.invalid'}>"


# -- addresses ------------------------------------------------------------------------------------


def _address(name: str, address: str, label: str) -> Address:
    address = address.strip()
    if not address:
        raise ConfigError(f"{label} has no address: set the account's email address")
    local, at, domain = address.rpartition("@")
    if (not at or not local or not domain or re.search(r"[\s<>,;]", address) or ".." in domain
            or domain.startswith(".") or domain.endswith(".")):
        raise ConfigError(f"{address!r} in {label} is not an email address: correct it and send again")
    try:
        domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
        return Address(display_name=single_line(name), username=local, domain=domain)
    except (UnicodeError, ValueError) as error:
        raise ConfigError(f"{address!r} in {label} is not an email address: correct it and send "
                          "again") from error


def _addresses(values: list[str], label: str) -> list[Address]:
    """Each value may hold several addresses ("a@b, Name <c@d>"), as people paste them."""
    found: list[Address] = []
    for value in values:
        if not value.strip():
            continue
        for name, address in email.utils.getaddresses([value]):
            if not address and not name:
                # What the parser could not read comes back empty: never drop a recipient silently.
                raise ConfigError(f"{value.strip()!r} in {label} is not an email address: correct it and "
                                  "send again")
            found.append(_address(name, address or name, label))
    return found


def _unique(addresses: list[str]) -> list[str]:
    seen: set[str] = set()
    result: list[str] = []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    return result


# -- bodies ---------------------------------------------------------------------------------------


def _set_body(message: EmailMessage, draft: Draft) -> None:
    # NUL is no text (Cyrus refuses mail with it); CR alone or CRLF become the one line end.
    text = draft.text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    parameters = {}
    if draft.flowed:
        text = flow(text)
        parameters = {"format": "flowed"}
    message.set_content(text, subtype="plain", charset="utf-8", params=parameters)
    if draft.html is None:
        return
    message.add_alternative(draft.html, subtype="html", charset="utf-8")
    html = message.get_body(("html",))
    assert isinstance(html, EmailMessage)
    for image in (attachment for attachment in draft.attachments if attachment.content_id):
        # multipart/related around the HTML: the images it shows by cid: travel with it.
        maintype, _, subtype = image.mime_type.partition("/")
        html.add_related(image.data, maintype=maintype or "application", subtype=subtype or "octet-stream",
                         cid=f"<{single_line(image.content_id).strip('<>')}>", disposition="inline",
                         filename=single_line(image.filename) or "image")


def flow(text: str, width: int = FLOWED_WIDTH) -> str:
    """``text`` as format=flowed (RFC 3676): long lines broken after a space, which stays as the
    "soft" line end; lines that would read as quotes or stuffing are space-stuffed. Quoted lines
    ("> ...") are left as they are (their depth is their prefix)."""
    out: list[str] = []
    for line in text.split("\n"):
        if line != "-- ":  # the signature separator keeps its space (RFC 3676 section 4.3)
            line = line.rstrip(" ")  # a trailing space would join the line with the next
        if line.startswith(">") or line == "-- ":
            out.append(line)
            continue
        if line.startswith((" ", "From ")):
            line = " " + line
        while len(line) > width:
            cut = line.rfind(" ", 1, width)
            if cut <= 0:
                break  # one long word (or CJK text without spaces): left long, still under 998
            out.append(line[: cut + 1])
            line = line[cut + 1:]
            if line.startswith((" ", "From ", ">")):
                line = " " + line
        out.append(line)
    return "\n".join(out)


# -- attachments ----------------------------------------------------------------------------------


def _attach(message: EmailMessage, attachment: DraftAttachment) -> None:
    filename = single_line(attachment.filename) or "attachment"
    maintype, _, subtype = attachment.mime_type.partition("/")
    if maintype in ("multipart", "message") or not subtype:
        maintype, subtype = "application", "octet-stream"  # given as bytes: never parsed as MIME
    message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=filename)
    parts = message.get_payload()
    assert isinstance(parts, list)
    part = parts[-1]
    assert isinstance(part, EmailMessage)
    _add_legacy_name(part, filename, f"{maintype}/{subtype}")


def _attach_message(message: EmailMessage, raw: bytes, filename: str) -> None:
    """The stored bytes as message/rfc822: forwarded byte-exact when 7-bit, else base64 (RFC 2046
    forbids encoding message/rfc822, but 8-bit mail to a server without 8BITMIME would be
    mangled; every client reads a base64 message/rfc822)."""
    part = EmailMessage(policy=POLICY)
    body = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if body.isascii() and all(len(line) <= 998 for line in body.split(b"\r\n")):
        part.set_raw("Content-Type", "message/rfc822")
        part.set_raw("Content-Transfer-Encoding", "7bit")
        part.set_payload(body.decode("ascii"))
    else:
        part.set_raw("Content-Type", "message/rfc822")
        part.set_raw("Content-Transfer-Encoding", "base64")
        part.set_payload(base64.encodebytes(raw).decode("ascii"))
    part.add_header("Content-Disposition", "attachment", filename=single_line(filename) or "message.eml")
    if message.get_content_maintype() != "multipart":
        message.make_mixed()
    message.attach(part)


def _add_legacy_name(part: EmailMessage, filename: str, content_type: str) -> None:
    """Content-Type's ``name=`` as RFC 2047 words, beside Content-Disposition's RFC 2231 name.

    The email package would rewrite such a parameter into RFC 2231 form, so the header is set
    pre-folded (set_raw: written as given, each line under 78 characters).
    """
    if filename.isascii():
        value = f'{content_type};\r\n name="{_quote(filename)}"'
    else:
        words = [f"=?utf-8?b?{base64.b64encode(chunk).decode('ascii')}?=" for chunk in _utf8_chunks(filename)]
        value = f'{content_type};\r\n name="' + "\r\n ".join(words) + '"'
    del part["Content-Type"]
    part.set_raw("Content-Type", value)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _utf8_chunks(text: str) -> list[bytes]:
    """UTF-8 of ``text`` in pieces of whole characters, each at most _WORD_BYTES long."""
    chunks: list[bytes] = []
    current = b""
    for character in text:
        encoded = character.encode("utf-8")
        if len(current) + len(encoded) > _WORD_BYTES:
            chunks.append(current)
            current = b""
        current += encoded
    if current:
        chunks.append(current)
    return chunks
