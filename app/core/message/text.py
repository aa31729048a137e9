"""A message as plain text: for a terminal (``poplark show``) and for the search index.

Both read the body through the viewer's path (:mod:`app.core.message.view`), so the text that is
searched and shown is the text the window shows: the plain-text body, else the HTML body with its
tags dropped (:func:`html_to_text`).
"""

from __future__ import annotations

import html as html_module
import re

from app.core.message.view import body_texts, parse_message


def readable_text(raw: bytes) -> str:
    """The message body as plain text for a terminal: the text/plain part, else HTML stripped.

    Uses the viewer's reading path (:func:`app.core.message.view.parse_message`) so the CLI and
    the GUI agree.
    """
    view = parse_message(raw)
    if view.plain_text is not None:
        return view.plain_text
    if view.html is not None:
        return html_to_text(view.html)
    return ""


def searchable_text(raw: bytes, limit: int = 200_000) -> str:
    """Body text for the full-text index: the plain text, else the HTML as text. Never raises."""
    try:
        plain_text, html = body_texts(raw, html_only_without_plain=True)
        if plain_text is not None:
            text = plain_text
        elif html is not None:
            text = html_to_text(html[: limit * 4])
        else:
            text = ""
        return text[:limit]
    except Exception:  # noqa: BLE001 - indexing must go on past any message
        return ""


#: Elements whose content is not text a person reads.
_HIDDEN_ELEMENTS = ("script", "style", "head", "title")
#: Elements that end a line when they close (or, for br, when they appear).
_LINE_BREAK_TAG = re.compile(r"(?i)^(?:br\b|/p\b|/div\b|/tr\b|/h[1-6]\b|/li\b|/table\b)")
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def html_to_text(html: str) -> str:
    """A rough text rendering of HTML for terminals and the search index: tags dropped, breaks kept.

    A hand-written scan with ``str.find`` rather than regular expressions: hostile HTML (thousands
    of ``<`` or ``<script>`` never closed) would make backtracking patterns quadratic. An unclosed
    tag or hidden element swallows the rest, as in a browser.
    """
    pieces: list[str] = []
    position = 0
    while True:
        start = html.find("<", position)
        if start < 0:
            pieces.append(html[position:])
            break
        pieces.append(html[position:start])
        end = html.find(">", start)
        if end < 0:
            break
        tag = html[start + 1:end].strip()
        if _LINE_BREAK_TAG.match(tag):
            pieces.append("\n")
        position = end + 1
        name = _TAG_NAME.match(tag)
        if name and name.group(0).lower() in _HIDDEN_ELEMENTS and not tag.endswith("/"):
            # Case-blind in the HTML itself: a lower-cased copy can be longer ("İ" becomes two
            # characters), and its positions would then skip text of the original.
            found = re.compile("</" + re.escape(name.group(0)), re.IGNORECASE).search(html, position)
            if found is None:
                break
            position = found.start()
    text = html_module.unescape("".join(pieces))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
