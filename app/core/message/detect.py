"""Which legacy charset undeclared or mislabelled 8-bit text is in: a plausibility score per codec.

A wrong double-byte codec decodes most 8-bit text "cleanly" into rare characters (Big5 or
Shift_JIS read as GB18030, Latin-1 read as GBK: ``Jürgen`` as ``J黵gen``), so decoding without an
error proves little. Each candidate's text is scored by what its language really looks like:
Japanese has kana, Korean has hangul, Russian lower-case Cyrillic letters, Western text accented
Latin letters, and Chinese the frequent characters of its own standard (GB2312 for GB18030, Big5
level 1 for Big5). No candidate is favoured for text that is plainly another script's.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

#: Candidates in the order that breaks a tie (most common in mail first).
CANDIDATES = ("gb18030", "big5hkscs", "cp932", "euc_jp", "cp949", "cp1251", "koi8_r", "cp1252")
#: The syllables that make up most Korean text: Chinese bytes misread as hangul give rarer ones.
_FREQUENT_HANGUL = frozenset(
    "이다는의에고하가을지기서도리로사한자대어니나인수를시해게정라아전보내요있마일우부주상구들소제만성스원"
    "장적거화여면것무용생방학국비오회동공연문세위과신경개터까러유드분모되실계저미조합없중그관안간금발물법작"
    "업심선통습께했던았었겠데녕십립감번째날월년람말할알려받님씨와은뭐왜너우희래좋많오늘내어제음번요청확인"
    "드림바랍결과자료첨부파일메일전달참석변경예정진행담당팀장님께서")
#: A double-byte character whose trail byte is below 0xA1: Big5, Shift_JIS, GBK, never EUC.
_LOW_TRAIL = re.compile(rb"[\xa1-\xf9][\x40-\x7e]")
#: Words of Han characters separated by spaces: Korean's habit, not Chinese prose's.
_SPACED_HAN = re.compile("[\u4e00-\u9fff] [\u4e00-\u9fff]")
#: Text beyond this many characters adds cost, not evidence.
_SAMPLE_CHARACTERS = 800
#: The bytes each candidate decodes to be scored.
_SAMPLE_BYTES = 3000


def _frequent_han(character: str, codec: str) -> bool:
    """Whether a Han character is among the frequent ones of the codec's own standard."""
    try:
        if codec == "gb18030":
            character.encode("gb2312")
            return True
        if codec == "big5hkscs":
            try:
                pair = character.encode("big5")
            except UnicodeEncodeError:
                return True  # an HKSCS character: Cantonese, at home in Hong Kong mail
            return 0xA440 <= int.from_bytes(pair, "big") <= 0xC67E  # level 1: the 5,401 frequent ones
        if codec in ("cp932", "euc_jp"):
            pair = character.encode("cp932")
            return 0x889F <= int.from_bytes(pair, "big") <= 0x9872  # JIS level 1
        if codec == "cp949":
            character.encode("euc_kr")
            return True
    except UnicodeEncodeError:
        return False
    return False


def _late_gb2312_row(character: str) -> bool:
    try:
        return character.encode("gb2312")[0] > 0xC8
    except UnicodeEncodeError:
        return False


def _beside_ascii_letter(text: str, index: int) -> bool:
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())


def _inside_ascii_word(text: str, index: int) -> bool:
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return before.isascii() and before.isalpha() and after.isascii() and after.isalpha()


def _beside_non_ascii(text: str, index: int) -> bool:
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return not before.isascii() or not after.isascii()


def score(text: str, codec: str) -> float:
    """How much ``text`` looks like real text of the codec's language: about -3 to 1, higher is better."""
    good = 0.0
    bad = 0.0
    total = 0
    kana = hangul = han = lower = upper = late_rows = frequent_hangul = 0
    sample = text[:_SAMPLE_CHARACTERS]
    for index, character in enumerate(sample):
        point = ord(character)
        if point < 0x80:
            continue
        total += 1
        if point >= 0x3000 and _inside_ascii_word(sample, index):
            bad += 2  # "Gr晧e": one wide character inside a Latin word is Latin-1 misread
            continue
        if 0x3041 <= point <= 0x30FF:
            kana += 1
        elif 0xAC00 <= point <= 0xD7A3:
            hangul += 1
            if character in _FREQUENT_HANGUL:
                frequent_hangul += 1
        elif 0x4E00 <= point <= 0x9FFF:
            han += 1
            if codec == "gb18030" and _late_gb2312_row(character):
                late_rows += 1
            if _frequent_han(character, codec):
                good += 1
            else:
                bad += 0.5
        elif 0x0400 <= point <= 0x045F:
            if _beside_ascii_letter(sample, index):
                bad += 1  # "Jьrgen": a Latin word with one Cyrillic letter is Latin-1 misread
            elif 0x0430 <= point <= 0x044F or point == 0x0451:
                lower += 1
            elif 0x0410 <= point <= 0x042F or point == 0x0401:
                upper += 1
            else:
                bad += 1  # Serbian and Macedonian letters: UTF-8 bytes misread as Windows-1251
        elif 0x00C0 <= point <= 0x017F and point not in (0xD7, 0xF7):
            if codec != "cp1252":
                good += 0.2
            elif _beside_ascii_letter(sample, index) or not _beside_non_ascii(sample, index):
                good += 1
            else:
                bad += 0.5  # "Ïðèâåò": runs of accented letters are another script misread
        elif 0x3000 <= point <= 0x303F or 0xFF01 <= point <= 0xFF5E or 0x2010 <= point <= 0x206F \
                or 0x00A0 <= point <= 0x00BF:
            good += 0.5  # punctuation: neutral evidence
        else:
            bad += 1  # half-width katakana, private use, C1 controls, rare blocks: a wrong codec's mark
    if not total:
        return 0.0
    if codec in ("cp932", "euc_jp"):
        good += kana
        bad += hangul
        if not kana and han >= 2:
            bad += han  # Japanese prose without kana: EUC-KR or GB bytes misread as kanji
    elif codec == "cp949":
        good += frequent_hangul + 0.3 * (hangul - frequent_hangul)
        bad += kana * 2
        if not hangul:
            bad += 2 * han  # Korean mail without hangul: Latin or Chinese bytes misread as Hanja
    elif codec == "gb18030" and not late_rows and (han >= 6 or (han >= 2 and _SPACED_HAN.search(sample))):
        # EUC-KR hangul (rows B0-C8) reads as GB2312 Hanzi of the first pinyin rows only; real
        # Chinese prose has some of its frequent characters (是, 我, 中) in the later rows.
        good -= 0.5 * han
    else:
        bad += kana + hangul  # GB18030 and Big5 hold kana too, but Chinese mail rarely has many
    if codec in ("cp1251", "koi8_r"):
        good += lower + 0.3 * upper  # real Russian is mostly lower case; the wrong one of the two is not
    else:
        bad += lower + upper
    return (good - 2 * bad) / total


def _sample_text(data: bytes, codec: str) -> str | None:
    """The start of ``data`` decoded strictly; a character cut by the sample's end is dropped."""
    sample = data[:_SAMPLE_BYTES]
    try:
        return sample.decode(codec)
    except UnicodeDecodeError as error:
        if len(data) > _SAMPLE_BYTES and error.start >= len(sample) - 4:
            return sample[:error.start].decode(codec, "replace")
        return None
    except LookupError:
        return None


def best(data: bytes, candidates: Iterable[str] = CANDIDATES) -> tuple[str, str] | None:
    """(text, codec) of the most plausible candidate that decodes ``data`` strictly, or None.

    Candidates are scored on the first :data:`_SAMPLE_BYTES`; only the winner decodes the whole.
    """
    ranked: list[tuple[float, int, str]] = []
    for order, codec in enumerate(candidates):
        text = _sample_text(data, codec)
        if text is None:
            continue
        value = score(text, codec)
        if codec == "big5hkscs" and value > 0 and not _LOW_TRAIL.search(data, 0, _SAMPLE_BYTES):
            value /= 2  # GB2312 and EUC-KR trail bytes are all >= 0xA1; Big5's often are not
        if value > 0:
            ranked.append((-value, order, codec))
    for _, _, codec in sorted(ranked):
        try:
            return data.decode(codec), codecs.lookup(codec).name
        except UnicodeDecodeError:
            continue
    return None
