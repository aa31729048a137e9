"""The HTML a message is served as, prepared off the GUI thread: pure text work, no Qt.

The preview parses in a worker and hands the viewer finished HTML; this module keeps that path
free of QtWebEngine (whose widgets load with the first HTML message only, see html_view).
"""

from __future__ import annotations

import html as html_module
import re
import secrets
from urllib.parse import quote, unquote

from app.ui.widgets.mail_scheme import SCHEME

#: ``cid:`` where a URL goes: an attribute value (src=, background=, href=...) or CSS url(). Text
#: that merely mentions "cid:" is left alone.
_CID_PATTERN = re.compile(r"""((?:=\s*["']?|url\(\s*["']?))cid:([^"'\s)>]+)""", re.IGNORECASE)

#: Defence in depth behind the interceptor: the page itself forbids scripts, plugins and forms.
#: Images and styles are left to the interceptor, which decides per message and keeps a record.
_POLICY = "script-src 'none'; object-src 'none'; form-action 'none'; base-uri 'none'"

#: <link rel=preconnect> (and dns-prefetch) make Chromium open a socket or look up a host with no
#: request the interceptor sees, and no setting turns preconnect off; CSP does not cover it either.
_NETWORK_HINTS = ("preconnect", "dns-prefetch")
#: A ``<link`` start tag (the tag name ends at whitespace, ``/`` or ``>``).
_LINK_TAG = re.compile(r"<link(?=[\s/>])", re.IGNORECASE)
#: What a neutralized ``<link`` becomes: a void element that loads nothing, keeping the layout.
_INERT_LINK = "<wbr data-poplark-link"
#: ``<iframe srcdoc>``: a frame whose document is written with character references (``&lt;link``),
#: which Chromium renders (an about:srcdoc load is not a navigation MailPage gets to refuse).
_SRCDOC = re.compile(r"srcdoc", re.IGNORECASE)


def normalize_content_id(value: str) -> str:
    """A Content-ID or ``cid:`` URL value as a lookup key (RFC 2392: URL-encoded, no brackets)."""
    return unquote(value).strip().strip("<>").strip()


def rewrite_cid_urls(html: str, token: str) -> str:
    """Point every ``cid:`` reference at our scheme, scoped to one rendered message."""
    def replace(match: re.Match[str]) -> str:
        content_id = normalize_content_id(match.group(2))
        return f"{match.group(1)}{SCHEME}://{token}/cid/{quote(content_id, safe='')}"

    return _CID_PATTERN.sub(replace, html)


def neutralize_network_hints(html: str) -> str:
    """The message's srcdoc frames renamed (so they stay empty), and every ``<link>`` made inert
    when the message names a connection hint anywhere.

    The check runs on the text with character references decoded (``pre&#99;onnect`` is still
    preconnect to Chromium) and does not try to find tag boundaries (a quoted ``>`` in an
    attribute would fool it): mentioning a hint at all costs the message its ``<link>`` styles.
    A srcdoc document is written with references, nested ones with references of references, so
    srcdoc goes whatever it holds (frames were never meant to show: see MailPage)."""
    html = _SRCDOC.sub("data-poplark-srcdoc", html)
    decoded = html_module.unescape(html).lower()
    if not any(hint in decoded for hint in _NETWORK_HINTS):
        return html
    return _LINK_TAG.sub(_INERT_LINK, html)


def wrap_document(html: str) -> bytes:
    """The served bytes: our charset and policy first (the first ``<meta charset>`` wins, so a
    message's own "gb2312" label cannot re-decode the UTF-8 we serve). Our DNS prefetch "off"
    comes first too: Chromium lets a page's own "on" override QWebEngineSettings, but not after
    an "off"; without it every link's host would be looked up as the message opens."""
    head = (f'<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="{_POLICY}">'
            '<meta http-equiv="x-dns-prefetch-control" content="off">'
            '<meta name="referrer" content="no-referrer">')
    return (head + html).encode("utf-8", "replace")


def new_token() -> str:
    """A fresh random host for one rendered message: its page can reach only its own parts."""
    return secrets.token_hex(12)
