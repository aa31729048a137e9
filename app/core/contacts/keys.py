"""The prefixes completion finds a name or an address by, computed once when it is saved.

A contact ``张三 <zs@example.com>`` is found by typing any start of: ``张三``, ``三``, ``zhangsan``
(``zhang``, ``zhangs``...), ``san``, ``zs`` (the initials), ``zs@example.com``. A Latin name is
found by the start of each of its words (``smith`` finds Alice Smith), without case and accents.

Pinyin comes from pypinyin (MIT licence, kept up for a decade, dictionaries bundled; Debian
ships it as python3-pypinyin). Its phrase dictionary reads 长孙 or 尉迟 right, but a surname
alone takes the word's common reading: 单 is *dan* in a text and *Shan* as a surname. The first
character of a Chinese name is read through :data:`SURNAME_READINGS` first, and the common
reading is kept as a second key so that either finds the person. pypinyin takes half a second to
import its dictionaries, so it is imported on the first Chinese name, never at start-up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from app.core.contacts.model import HAN

#: Surnames whose reading differs from the one pypinyin gives the character alone (from the usual
#: lists of 多音字姓氏; a test keeps out any that pypinyin already reads right). Two-character
#: surnames first: they are matched before one.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "万俟": ("mo", "qi"), "尉迟": ("yu", "chi"), "长孙": ("zhang", "sun"), "澹台": ("tan", "tai"),
    "单": ("shan",), "曾": ("zeng",), "解": ("xie",), "朴": ("piao",), "查": ("zha",), "仇": ("qiu",),
    "区": ("ou",), "盖": ("ge",), "覃": ("qin",), "乐": ("yue",), "缪": ("miao",), "翟": ("zhai",),
    "秘": ("bi",), "繁": ("po",), "员": ("yun",), "召": ("shao",), "种": ("chong",), "句": ("gou",),
    "黑": ("he",), "宓": ("fu",), "折": ("she",), "都": ("du",), "重": ("chong",), "藏": ("zang",),
    "阚": ("kan",), "粘": ("nian",), "薄": ("bo",), "隗": ("wei",),
}
#: Two-character surnames (复姓) read as the phrase dictionary reads them: the given name starts
#: after two characters.
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "诸葛", "上官", "东方", "夏侯", "皇甫", "公孙", "令狐", "慕容", "宇文", "司徒",
    "轩辕", "端木", "呼延", "南宫", "西门", "独孤", "申屠", "钟离", "闻人", "赫连", "百里", "太史",
    "公冶", "濮阳", "淳于", "单于", *(surname for surname in SURNAME_READINGS if len(surname) == 2)})
#: Keys longer than this are cut: nobody types 80 characters to complete a name.
MAX_KEY_LENGTH = 80
_HAN_RUN = re.compile(f"(?:{HAN.pattern})+")
_SPACE_IN_HAN = re.compile(f"(?<={HAN.pattern})\\s+(?={HAN.pattern})")
_WORD_START = re.compile(r"[^\W_]+", re.UNICODE)
_LOCAL_PART_WORD = re.compile(r"[._\-+]+")


def fold(text: str) -> str:
    """Case and accents away: what completion compares (``José`` -> ``jose``, ``ＡＢ`` -> ``ab``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def _word_suffixes(text: str) -> set[str]:
    """The text from the start of each of its words: ``alice b smith`` -> itself, ``b smith``, ``smith``."""
    folded = " ".join(fold(text).split())
    return {folded[match.start():] for match in _WORD_START.finditer(folded)}


@lru_cache(maxsize=4096)
def _syllables(text: str) -> tuple[str, ...]:
    """The common reading of ``text`` (pypinyin's phrase-aware one), one syllable per Han character;
    other characters are kept as they are, as one item per run."""
    from pypinyin import Style, lazy_pinyin  # half a second of dictionaries: only when needed

    return tuple(lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=False))


def _readings(name: str) -> list[tuple[str, ...]]:
    """The readings of a Chinese name, family name first: with the surname's own reading first,
    then the common reading when it differs (a person looks either up)."""
    common = _syllables(name)
    readings = [common]
    for surname, reading in SURNAME_READINGS.items():
        if name.startswith(surname):
            readings.insert(0, reading + _syllables(name[len(surname):]) if len(name) > len(surname) else reading)
            break
    return list(dict.fromkeys(readings))


def _pinyin_keys(name: str) -> set[str]:
    """Full pinyin, initials and the given name's pinyin of every Han run of ``name``."""
    keys: set[str] = set()
    for run in _HAN_RUN.finditer(name):
        han = run.group()
        surname_length = 2 if han[:2] in COMPOUND_SURNAMES and len(han) > 2 else 1
        for reading in _readings(han):
            syllables = [syllable for syllable in reading if syllable.isascii() and syllable.isalpha()]
            if not syllables:
                continue
            keys.add("".join(syllables))
            keys.add("".join(syllable[0] for syllable in syllables))
            if len(syllables) > surname_length:
                keys.add("".join(syllables[surname_length:]))  # the given name alone: 张三 by "san"
    return keys


def name_keys(*names: str) -> set[str]:
    """The keys of a person's names (full name, family and given names)."""
    keys: set[str] = set()
    for name in names:
        if not name.strip():
            continue
        # 李 小龙 is one name: the space some programs put between family and given name goes.
        name = _SPACE_IN_HAN.sub("", name)
        keys |= _word_suffixes(name)
        keys.add("".join(fold(name).split()))  # "Zhang San" by "zhangsan", as a Chinese name is
        han_runs = _HAN_RUN.findall(name)
        for run in han_runs:
            keys.add(fold(run))
            surname_length = 2 if run[:2] in COMPOUND_SURNAMES and len(run) > 2 else 1
            if len(run) > surname_length:
                keys.add(fold(run[surname_length:]))  # the given name in characters: 张三 by 三
        if han_runs:
            keys |= _pinyin_keys(name)
    return keys


def address_keys(address: str) -> set[str]:
    """The keys of an address: all of it, and its local part from each word (``smith`` finds
    ``alice.smith@example.com``)."""
    folded = fold(address.strip())
    local = folded.rpartition("@")[0]
    keys = {folded}
    for match in _LOCAL_PART_WORD.finditer(local):
        keys.add(folded[match.end():])
    return keys


def completion_keys(names: Iterable[str], addresses: Iterable[str]) -> list[str]:
    """Every key of a contact or a seen address, sorted, each cut to :data:`MAX_KEY_LENGTH`."""
    keys = name_keys(*names)
    for address in addresses:
        keys |= address_keys(address)
    return sorted({key[:MAX_KEY_LENGTH] for key in keys if key.strip()})
