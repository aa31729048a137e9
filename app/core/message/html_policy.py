"""What an HTML mail may load, and how it is served: the decisions behind "mail content is hostile".

That is invariant 8 in docs/architecture.md. ``app/ui/widgets/html_view.py`` enforces these
decisions with QtWebEngine (an interceptor, a URL scheme handler, a page that refuses
navigation); every choice of what is allowed, what is blocked and what counts as remote is made
here, without Qt, so it is table-tested and the same for every view.

- Requests (:func:`request_allowed`): a message loads its own parts (:data:`SCHEME`) and
  ``data:`` URLs; http(s) only after the user allowed remote content for that very message, and
  never as a navigation of the main frame; any other scheme (file:, ftp:, ws:...) never.
- Navigation (:func:`navigation_decision`): only the one load the view started, and anchors
  inside the message; a clicked link goes to the system browser; forms, redirects, frames and
  ``<meta http-equiv=refresh>`` go nowhere.
- Serving (:func:`wrap_document`, :func:`rewrite_cid_urls`, :func:`neutralize_network_hints`): a
  Content-Security-Policy without scripts, plugins or forms, DNS prefetch off, no referrer,
  ``cid:`` pointed at a random host per rendered message (:func:`new_token`), and Chromium's
  connection hints, which bypass the interceptor, made inert while remote content is blocked.
- Remote references (:func:`html_has_remote_content`): whether to offer the "Load remote content"
  bar at all.

Remote references in detail. The viewer blocks every request anyway; this answer only decides
whether to offer the bar, so it errs towards "yes". Counted: every URL-bearing attribute (``src``,
``background``, ``poster``, ``srcset`` candidates, ``<link href>``, ``<base href>``, SVG
``xlink:href``, object/applet URLs...), CSS ``url()`` and ``@import`` in ``<style>`` and ``style=``,
and ``<meta http-equiv=refresh>``. Not counted: link targets (``<a href>``, ``<area href>``) load
nothing until clicked, and ``cid:``/``data:`` URLs are local.

Obfuscation is undone first: HTML entities in attributes (``&#104;ttp:``) and CSS hex escapes
(``\\68ttp:``). The scan walks tags with ``str.find`` and looks only inside each tag, so hostile
input (a million ``<`` with no ``>``) stays linear; backtracking patterns over the whole document
were quadratic on such input (measured: 68 s for 4 MB of unclosed ``srcset``).
"""

from __future__ import annotations

import html as html_module
import re
import secrets
from enum import Enum
from urllib.parse import quote, unquote

#: Our URL scheme for a message's body and its inline parts: ``poplark-mail://<token>/body``.
#: ``app/ui/widgets/mail_scheme.py`` declares it to QtWebEngine at start-up.
SCHEME = "poplark-mail"
#: Schemes a message may load without asking: its own parts and inline data.
LOCAL_SCHEMES = frozenset({SCHEME, "data"})
#: Schemes "Load remote content" lets through; nothing else ever (file:, ftp:, ws:, ...).
REMOTE_SCHEMES = frozenset({"http", "https"})


# -- requests and navigation ----------------------------------------------------------------------


def request_allowed(scheme: str, *, remote_allowed: bool, main_frame: bool) -> bool:
    """Whether the view may make a request for a URL of this scheme.

    ``remote_allowed``: the user allowed remote content for the message that makes the request
    (the caller checks it is that message's page: the previous one goes on asking for its images
    until the next replaces it). A remote main-frame load would be a navigation: never.
    """
    scheme = scheme.lower()
    return scheme in LOCAL_SCHEMES or (remote_allowed and scheme in REMOTE_SCHEMES and not main_frame)


def is_own_url(scheme: str, host: str, token: str) -> bool:
    """Whether a URL belongs to the message rendered under ``token`` (and not to an earlier one)."""
    return bool(token) and scheme == SCHEME and host == token


class Navigation(Enum):
    """What the view does with a navigation request."""

    FOLLOW = "follow"              # load it in the view
    OPEN_OUTSIDE = "open outside"  # a clicked link: hand it to the system browser
    REFUSE = "refuse"              # go nowhere (and keep a record)


def navigation_decision(*, own_url: bool, clicked: bool, body_anchor: bool, main_frame: bool,
                        expected_load: bool) -> Navigation:
    """Only the one load the view started, and anchors inside the message ("back to top").

    ``body_anchor``: the URL is the message body with a fragment. Forms, redirects, frames and
    ``<meta http-equiv=refresh>`` (which could reload the message forever) are refused.
    """
    if clicked:
        return Navigation.FOLLOW if own_url and body_anchor else Navigation.OPEN_OUTSIDE
    if own_url and main_frame and expected_load:
        return Navigation.FOLLOW
    return Navigation.REFUSE


# -- serving ------------------------------------------------------------------------------------

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
#: which Chromium renders (an about:srcdoc load is not a navigation the view gets to refuse).
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
    srcdoc goes whatever it holds (frames were never meant to show: see :func:`navigation_decision`)."""
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


# -- remote references ----------------------------------------------------------------------

#: Attributes that make the renderer fetch their URL.
_URL_ATTRIBUTES = frozenset(["src", "background", "poster", "data", "lowsrc", "dynsrc", "href", "xlink:href",
                             "code", "codebase", "manifest", "archive", "classid", "icon", "profile"])
_LINK_ONLY_TAGS = frozenset(["a", "area"])
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_TAG_NAME = re.compile(r"/?([A-Za-z][A-Za-z0-9:-]*)")
_REMOTE_START = re.compile(r"(?i)\s*(?:https?:|ftp:|//|\\\\)")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")
_CSS_REMOTE = re.compile(r"""(?i)(?:url\(|@import)\s*['"]?\s*(?:https?:|ftp:|//|\\\\)""")
_TAG_STOP = re.compile(r"[>\"']")
#: Searched case-blind in the HTML itself: a lower-cased copy can be longer ("İ" becomes two
#: characters), so its positions do not fit the original.
_STYLE_END = re.compile(r"(?i)</style")
_REFRESH_URL = re.compile(r"(?i)url\s*=\s*['\"]?\s*(?:https?:|ftp:|//)")


def _css_unescape(text: str) -> str:
    return _CSS_ESCAPE.sub(lambda match: chr(min(int(match.group(1), 16), 0x10FFFF)), text)


def _is_remote(url: str) -> bool:
    return _REMOTE_START.match(_css_unescape(url)) is not None


def _tag_loads_remote(tag: str) -> bool:
    # A remote URL needs a scheme colon or "//" ("\\\\" for UNC); hiding one needs "&" or "\\".
    # Most tags have none of these: skip parsing their attributes.
    if ":" not in tag and "/" not in tag and "&" not in tag and "\\" not in tag:
        return False
    name_match = _TAG_NAME.match(tag)
    if name_match is None or tag.startswith("/"):
        return False
    name = name_match.group(1).lower()
    attributes: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(tag, name_match.end()):
        value = match.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attributes.setdefault(match.group(1).lower(), html_module.unescape(value))
    for attribute, value in attributes.items():
        if attribute in _URL_ATTRIBUTES and not (attribute == "href" and name in _LINK_ONLY_TAGS) \
                and _is_remote(value):
            return True
        if attribute in ("srcset", "imagesrcset") and any(
                _is_remote(candidate.strip()) for candidate in value.split(",")):
            return True
        if attribute == "style" and _CSS_REMOTE.search(_css_unescape(value)):
            return True
    return name == "meta" and attributes.get("http-equiv", "").strip().lower() == "refresh" \
        and _REFRESH_URL.search(attributes.get("content", "")) is not None


def html_has_remote_content(html: str) -> bool:
    """Whether rendering this HTML would load anything from the network. Linear time."""
    position = 0
    while True:
        start = html.find("<", position)
        if start < 0:
            return False
        end = _tag_end(html, start + 1)
        tag = html[start + 1:] if end < 0 else html[start + 1:end]
        if _tag_loads_remote(tag):
            return True
        if end < 0:
            return False
        position = end + 1
        name = _TAG_NAME.match(tag)
        if name is not None and not tag.startswith("/") and name.group(1).lower() == "style":
            # A <style> block: its text is CSS up to </style> (or the end, as a browser reads it).
            found = _STYLE_END.search(html, position)
            closing = -1 if found is None else found.start()
            css = html[position:] if closing < 0 else html[position:closing]
            if _CSS_REMOTE.search(_css_unescape(css)):
                return True
            if closing < 0:
                return False
            position = closing


def _tag_end(html: str, position: int) -> int:
    """Index of the ``>`` closing a tag, skipping quoted values (``alt=">"``); -1 when unclosed."""
    while True:
        match = _TAG_STOP.search(html, position)
        if match is None:
            return -1
        if match.group(0) == ">":
            return match.start()
        # A quote starts a value only right after "=" (alt=don't is an unquoted value).
        before = match.start() - 1
        while before >= position and html[before] in " \t\r\n\f":
            before -= 1
        if before < 0 or html[before] != "=":
            position = match.end()
            continue
        closing = html.find(match.group(0), match.end())
        if closing < 0:
            return -1
        position = closing + 1
