"""Subject prefixes for replies and forwards, never doubled.

Mail clients in China write 回复:/答复:/转发: (often with a full-width colon), Outlook writes RE:/FW:,
others Re:/Fwd:, some "Re[2]:" or "Re(2):". A reply strips every reply prefix in front and puts one
back, so "Re: 回复：Re: lunch" answered becomes "Re: lunch"; a forward does the same with
forward prefixes and keeps reply prefixes after it ("Fwd: Re: lunch").
"""

from __future__ import annotations

import re

_COLON = r"\s*[:：]\s*"
_COUNT = r"(?:\s*[\[(]\d+[\])])?"
_REPLY = re.compile(rf"^\s*(?:(?:re|aw|sv|回复|答复|回覆){_COUNT}{_COLON})+", re.IGNORECASE)
_FORWARD = re.compile(rf"^\s*(?:(?:fwd?|转发|轉寄|wg){_COUNT}{_COLON})+", re.IGNORECASE)

REPLY_PREFIX = {"en": "Re: ", "zh": "回复："}
FORWARD_PREFIX = {"en": "Fwd: ", "zh": "转发："}


def _language(language: str) -> str:
    return "zh" if language.lower().startswith("zh") else "en"


def reply_subject(subject: str, language: str = "en") -> str:
    return REPLY_PREFIX[_language(language)] + _REPLY.sub("", subject).strip()


def forward_subject(subject: str, language: str = "en") -> str:
    return FORWARD_PREFIX[_language(language)] + _FORWARD.sub("", subject).strip()


def strip_prefixes(subject: str) -> str:
    """The subject without any reply or forward prefix in front (for grouping and file names)."""
    previous = None
    while previous != subject:
        previous = subject
        subject = _FORWARD.sub("", _REPLY.sub("", subject))
    return subject.strip()
