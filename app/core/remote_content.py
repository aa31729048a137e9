"""Does an HTML mail load anything from the network when shown? (the "Load remote content" bar)

The viewer blocks every request anyway (DESIGN.md invariant 8); this answer only decides whether
to offer the bar, so it errs towards "yes". Counted: every URL-bearing attribute (``src``,
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
