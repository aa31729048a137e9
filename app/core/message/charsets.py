"""Charsets: MIME labels and their aliases, decoding that never raises, and a body's real charset.

Labels are widened before lookup (:data:`_CHARSET_ALIASES`): mail labelled GB2312 or GBK is
usually GB18030 in practice, Big5 is usually Big5-HKSCS. Every decoder here returns text for any
bytes; a header or body in an unknown or wrong charset is shown, never an error.

Order of trust for a body (:func:`decode_text`), from what Chinese and Western mail actually does:

1. The user's choice from the "Text encoding" menu (``override``) always wins.
2. The declared charset, when the bytes decode cleanly in it (after widening). A declared
   single-byte Western charset never fails, so valid UTF-8 with 8-bit bytes wins over it: mail
   labelled ISO-8859-1 that is really UTF-8 is far more common than the reverse.
3. Valid UTF-8.
4. GB18030 when it decodes cleanly (it covers GB2312 and GBK, the usual undeclared Chinese mail).
5. charset-normalizer's guess, when the package is installed.
6. Windows-1252 with replacement characters: something readable, never an exception.
"""

from __future__ import annotations

import codecs
import re

#: Charset labels that are subsets of GB18030 in practice: mail labelled GB2312 is usually GBK.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                    "ks_c_5601-1987": "cp949", "big5": "big5hkscs", "unicode-1-1-utf-7": "utf-7"}


def normalize_charset(label: str | None) -> str | None:
    """A Python codec name for a MIME charset label, or None if Python knows no such codec."""
    if not label:
        return None
    name = label.strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


#: A UTF-16 surrogate on its own. SQLite and every encoder refuse it ("surrogates not allowed"),
#: so one in a subject or body would stop the message from being stored and indexed.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: The codecs that decode to lone surrogates (every codec Python ships was tried): only their
#: text is scanned, which would otherwise double the cost of decoding a large body.
_SURROGATE_CODECS = frozenset({"utf-7", "unicode-escape", "raw-unicode-escape", "punycode", "idna"})


def decode_with(data: bytes, codec: str, errors: str = "strict") -> str:
    """``data.decode(codec, errors)`` with any lone surrogate replaced by U+FFFD."""
    text = data.decode(codec, errors)
    return _LONE_SURROGATE.sub("\ufffd", text) if codec in _SURROGATE_CODECS else text


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode with the declared charset, else UTF-8 when valid, else GB18030; never raises."""
    codec = normalize_charset(charset)
    if codec:
        try:
            return decode_with(data, codec)
        except (UnicodeError, LookupError):  # UnicodeError: idna and punycode raise it bare
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


#: Labels that promise nothing beyond ASCII or a single-byte Western set: UTF-8 overrides them.
_WEAK_LABELS = frozenset(["ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15"])
#: charset-normalizer on megabytes of text is slow; its guess from the start is as good.
_DETECTOR_SAMPLE_BYTES = 64 * 1024
#: Below this a statistical guess is noise: a few accented letters read fine as Windows-1252.
_DETECTOR_MINIMUM_BYTES = 24


def _is_ascii(data: bytes) -> bool:
    return data.isascii()


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return decode_with(data, codec)
    except (UnicodeError, LookupError):  # UnicodeError: idna and punycode raise it bare
        return None


def _detector_guess(data: bytes) -> str | None:
    if len(data) < _DETECTOR_MINIMUM_BYTES:
        return None
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: the fallbacks below still give readable text
        return None
    try:
        results = list(from_bytes(data[:_DETECTOR_SAMPLE_BYTES]))
    except Exception:  # noqa: BLE001 - a third-party guess must not break reading mail
        return None
    # UTF-16/32 without a byte order mark is a frequent false guess on short text and almost
    # never what a mail body is.
    results = [result for result in results if not result.encoding.startswith(("utf_16", "utf_32"))]
    if not results:
        return None
    best = results[0]
    # Short Western text fits several single-byte sets equally well; Windows-1252 is by far the
    # most common of them in mail, so it wins a tie (the detector would pick Central European).
    for result in results:
        if result.encoding == "cp1252" and result.chaos == best.chaos and result.coherence == best.coherence:
            return "cp1252"
    return normalize_charset(best.encoding)


def decode_text(data: bytes, declared: str | None, override: str | None = None) -> tuple[str, str]:
    """(text, name of the codec used). Never raises."""
    if override:
        codec = normalize_charset(override)
        if codec:
            try:
                return decode_with(data, codec, "replace"), codec
            except (UnicodeError, LookupError):
                pass  # a codec Python knows that is no charset (zlib, idna): as if none was chosen
    codec = normalize_charset(declared)
    if codec and codec != "ascii" and not _is_ascii(data):
        if codec in _WEAK_LABELS:
            as_utf8 = _strict(data, "utf-8")
            if as_utf8 is not None:
                return as_utf8, "utf-8"
        text = _strict(data, codec)
        if text is not None:
            return text, codec
    elif codec and _is_ascii(data):
        text = _strict(data, codec)
        if text is not None:
            return text, codec
    if _is_ascii(data):
        return data.decode("ascii"), codec or "ascii"
    for candidate in ("utf-8", "gb18030"):
        text = _strict(data, candidate)
        if text is not None:
            return text, candidate
    guess = _detector_guess(data)
    if guess:
        text = _strict(data, guess)
        if text is not None:
            return text, guess
        return decode_with(data, guess, "replace"), guess
    return data.decode("cp1252", "replace"), "cp1252"


def codec_label(codec: str) -> str:
    """The usual MIME name of a codec (``iso8859_1`` -> ``iso-8859-1``), accepted back as an override."""
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return codec
    known = {"ascii": "us-ascii", "latin-1": "iso-8859-1", "cp1252": "windows-1252", "cp936": "gbk",
             "cp949": "ks_c_5601-1987", "cp1251": "windows-1251", "cp1250": "windows-1250"}
    if name in known:
        return known[name]
    name = name.replace("_", "-")
    return "iso-" + name[3:] if name.startswith("iso") and name[3:4].isdigit() else name


def known_charset(label: str | None) -> bool:
    """Whether a MIME charset label names a codec Python has (after widening)."""
    return normalize_charset(label) is not None
