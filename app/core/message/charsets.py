"""Charsets: MIME labels and their aliases, decoding that never raises, and a body's real charset.

Labels are widened before lookup (:data:`_CHARSET_ALIASES`) to the superset that senders really
use: GB2312 and GBK as GB18030, Big5 as Big5-HKSCS, Shift_JIS as CP932, EUC-KR as CP949,
ISO-2022-JP as CP50220 (:mod:`.iso2022jp`: the NEC and IBM extensions Windows sends), ISO-8859-1
as Windows-1252 (whose five undefined bytes read as C1 controls, as in the WHATWG Encoding
Standard). The Standard's labels that Python does not know (``windows-874``, ``iso-8859-8-i``,
``x-sjis``...) are aliases too. Every decoder here returns text for any bytes.

Order of trust for a body (:func:`decode_text`), evidence first, guessing last:

1. The user's choice from the "Text encoding" menu (``override``) always wins.
2. Undeclared 7-bit text with ISO-2022-JP escape sequences is ISO-2022-JP.
3. Valid UTF-8 with multi-byte sequences beats a single-byte label (and a double-byte one when
   there is enough of it): mislabelled UTF-8 is far more common than the reverse.
4. The declared charset, when it decodes cleanly, unless it is a double-byte charset whose text
   is implausible (:mod:`.detect`) and another reads far better (Shift_JIS labelled GB2312).
5. A declared charset that fails only here and there (one bad byte in a long text) is kept, with
   a replacement mark per bad byte.
6. Valid UTF-8; then the message's other declared charsets (``hints``) when they read plausibly;
   then :func:`.detect.best`, which favours no charset for text plainly in another script; then
   charset-normalizer's guess, when the package is installed.
7. The declared charset, or Windows-1252, with replacement marks: never an exception.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from app.core.message import detect, iso2022jp

iso2022jp.register()


def _labels(codec: str, *labels: str) -> dict[str, str]:
    return dict.fromkeys(labels, codec)


#: Labels widened to the superset senders really use, and WHATWG Encoding Standard labels that
#: Python does not know (or knows as a narrower codec).
_CHARSET_ALIASES = {
    **_labels("gb18030", "gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "chinese", "csgb2312",
              "gb_2312", "gb_2312-80", "iso-ir-58", "csiso58gb231280", "euc-cn", "x-euc-cn"),
    **_labels("big5hkscs", "big5", "x-x-big5", "cn-big5", "csbig5", "big5-hkscs"),
    **_labels("cp932", "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j",
              "ms932", "x-ms-cp932", "cswindows31j"),
    **_labels("euc_jp", "x-euc-jp", "cseucpkdfmtjapanese"),
    **_labels(iso2022jp.NAME, "iso-2022-jp", "csiso2022jp", "iso2022jp", "iso-2022-jp-ms", "cp50221",
              "cp50222", "iso-2022-jp-1"),
    **_labels("cp949", "euc-kr", "cseuckr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601",
              "csksc56011987", "iso-ir-149", "korean", "windows-949", "x-windows-949", "uhc"),
    **_labels("cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "iso88591", "latin1", "latin-1", "l1",
              "cp819", "ibm819", "csisolatin1", "iso-ir-100", "iso_8859-1:1987", "x-cp1252", "windows-1252"),
    **_labels("cp874", "windows-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "dos-874"),
    **_labels("cp1254", "iso-8859-9", "iso8859-9", "iso88599", "latin5", "l5", "csisolatin5",
              "iso-ir-148", "iso_8859-9"),
    **_labels("iso8859_8", "iso-8859-8-i", "iso-8859-8-e", "csiso88598i", "csiso88598e", "logical",
              "visual"),
    **_labels("iso8859_6", "iso-8859-6-i", "iso-8859-6-e", "csiso88596i", "csiso88596e"),
    **_labels("mac_cyrillic", "x-mac-cyrillic", "x-mac-ukrainian"),
    **_labels("mac_roman", "x-mac-roman", "macintosh", "mac", "csmacintosh"),
    **_labels("koi8_u", "koi8-ru"),
    **_labels("utf-8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8", "utf8"),
    "unicode-1-1-utf-7": "utf-7",
}


def _tolerate_c1(error: UnicodeError) -> tuple[str, int]:
    """Windows-1252's five undefined bytes read as the C1 controls, as browsers do."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return "".join(chr(byte) for byte in error.object[error.start:error.end]), error.end


codecs.register_error("poplark-c1", _tolerate_c1)


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
    if codec == "cp1252" and errors in ("strict", "replace"):
        errors = "poplark-c1"
    text = data.decode(codec, errors)
    return _LONE_SURROGATE.sub("\ufffd", text) if codec in _SURROGATE_CODECS else text


def decode_bytes(data: bytes, charset: str | None = None, hints: tuple[str, ...] = ()) -> str:
    """Decode a header's bytes or a word's: as :func:`decode_text`, with the message's charsets as
    ``hints`` for undeclared 8-bit bytes; never raises."""
    if data.isascii() and b"\x1b" not in data:
        return data.decode("ascii")
    return decode_text(data, charset, hints=hints)[0]


@lru_cache(maxsize=64)
def _single_byte(codec: str) -> bool:
    """Whether a codec maps every byte to one character (Latin, Cyrillic, Thai sets)."""
    try:
        return len(bytes(range(0x80, 0x100)).decode(codec, "replace")) == 0x80
    except (UnicodeError, LookupError):
        return False


#: The language family each codec's text is scored as (:func:`.detect.score`).
_FAMILIES = {"gb18030": "gb18030", "big5hkscs": "big5hkscs", "cp950": "big5hkscs", "big5": "big5hkscs",
             "cp932": "cp932", "shift_jis": "cp932", "euc_jp": "cp932", iso2022jp.NAME: "cp932",
             "iso2022_jp": "cp932", "cp949": "cp949", "euc_kr": "cp949", "cp1251": "cp1251",
             "koi8-r": "cp1251", "koi8-u": "cp1251", "iso8859-5": "cp1251", "cp866": "cp1251",
             "mac-cyrillic": "cp1251"}
#: Double-byte labels that decode almost any bytes "cleanly": their text is checked for sense.
_PERMISSIVE = frozenset({"gb18030", "big5hkscs", "cp932", "cp949", "euc_jp"})

#: Western single-byte labels, which decode any bytes: CJK text under them is checked for sense.
_WESTERN = frozenset({"cp1252", "latin-1", "iso8859-15", "cp1250", "iso8859-2"})
#: A multi-byte character split by a line break (an 8-bit body wrapped by a relay).
_SPLIT_UTF8 = re.compile(rb"([\xc2-\xf4][\x80-\xbf]{0,2})\r?\n([\x80-\xbf]{1,3})")
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


def _exact_name(label: str) -> str | None:
    try:
        return codecs.lookup(label.strip().strip('"')).name
    except LookupError:
        return None


def _family(codec: str) -> str:
    return _FAMILIES.get(codec, "cp1252")


def _utf8(data: bytes) -> str | None:
    text = _strict(data, "utf-8")
    if text is None and b"\n" in data and _SPLIT_UTF8.search(data):
        text = _strict(_SPLIT_UTF8.sub(rb"\1\2", data), "utf-8")
    return text


def _utf8_letters(text: str) -> bool:
    """Whether UTF-8 text has multi-byte letters as evidence: two (é, я, 中), or one inside an ASCII
    word ("Café"). One sign alone ("Â\xa0" in Latin-1 is a no-break space in UTF-8) proves nothing."""
    letters = 0
    for index, character in enumerate(text):
        if ord(character) > 0x7F and (character.isalpha() or ord(character) > 0x7FF):
            letters += 1
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            if letters >= 2 or (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha()):
                return True
    return False


def _enough_to_judge(text: str) -> bool:
    """Whether there is text enough to overrule a label: a character or two proves nothing."""
    return sum(1 for character in text[:400] if ord(character) > 0x7F) >= 6


def _mostly_right(text: str) -> bool:
    """Whether a tolerant decoding has only isolated bad bytes among many good characters."""
    text = text[:8000]  # the start is evidence enough, and counting is a Python loop
    bad = text.count("\ufffd")
    good = sum(1 for character in text if ord(character) > 0x7F) - bad
    return good >= 2 * bad


def _guess(data: bytes, declared: str | None, hints: tuple[str, ...]) -> tuple[str, str] | None:
    """The evidence after the declared charset: UTF-8, the message's other charsets, detection."""
    text = _utf8(data)
    if text is not None:
        return text, "utf-8"
    for hint in hints:
        codec = normalize_charset(hint)
        if codec and codec != declared and codec not in ("ascii", "utf-8"):
            text = _strict(data, codec)
            if text is not None and detect.score(text, _family(codec)) > 0:
                return text, codec
    found = detect.best(data)
    if found is not None:
        return found
    guess = _detector_guess(data)
    if guess:
        text = _strict(data, guess)
        if text is not None:
            return text, guess
    return None


def decode_text(data: bytes, declared: str | None, override: str | None = None,
                hints: tuple[str, ...] = ()) -> tuple[str, str]:
    """(text, name of the codec used). Never raises. ``hints``: the message's other charsets."""
    if override:
        codec = normalize_charset(override)
        if codec:
            try:
                # Decoded through the superset, named as chosen (the menu shows the user's choice).
                return decode_with(data, codec, "replace"), _exact_name(override) or codec
            except (UnicodeError, LookupError):
                pass  # a codec Python knows that is no charset (zlib, idna): as if none was chosen
    codec = normalize_charset(declared)
    if _is_ascii(data):
        if (codec is None or not codec.startswith(("iso2022", "utf-7", "hz"))) \
                and b"\x1b" in data and any(marker in data for marker in iso2022jp.MARKERS):
            return decode_with(data, iso2022jp.NAME, "replace"), iso2022jp.NAME
        if codec:
            text = _strict(data, codec)
            if text is not None:
                return text, codec
        return data.decode("ascii"), codec or "ascii"
    if codec and codec != "ascii":
        if codec != "utf-8":
            as_utf8 = _utf8(data)
            if as_utf8 is not None and ((_single_byte(codec) and _utf8_letters(as_utf8))
                                        or sum(ord(c) > 0x7FF for c in as_utf8) >= 4):
                return as_utf8, "utf-8"
        text = _strict(data, codec)
        if text is not None:
            if (codec in _PERMISSIVE or codec in _WESTERN) and _enough_to_judge(text) \
                    and detect.score(text, _family(codec)) < 0:
                found = detect.best(data, tuple(c for c in detect.CANDIDATES if c in _PERMISSIVE and c != codec))
                if found is not None and detect.score(found[0], _family(found[1])) >= 0.5:
                    return found  # Shift_JIS labelled GB2312, EUC-JP labelled Latin-1: the label is wrong
            return text, codec
        try:
            tolerant = decode_with(data, codec, "replace")
        except (UnicodeError, LookupError):
            tolerant = None
        if tolerant is not None and _mostly_right(tolerant):
            return tolerant, codec
    found = _guess(data, codec, hints)
    if found is not None:
        return found
    if codec and codec != "ascii":
        try:
            return decode_with(data, codec, "replace"), codec
        except (UnicodeError, LookupError):
            pass
    return decode_with(data, "cp1252", "replace"), "cp1252"


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
