"""Text compared as a person expects: case, width and compatibility forms folded.

Both sides go through NFKC and ``casefold``: full-width Ｉｎｖｏｉｃｅ matches invoice, ① matches
1, ﬁ matches fi, and Chinese is compared character by character, so 发票 is found in 增值税发票
(no word splitting is involved: a condition looks for a substring). A regular expression is
searched in the folded text with IGNORECASE; its own characters are kept as written, since
folding them could change what they mean (a full-width parenthesis would become a group).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from app.core.rules.model import Operator


def fold(text: str) -> str:
    """The form both sides are compared in."""
    return unicodedata.normalize("NFKC", text).casefold()


def text_matches(operator: Operator, wanted: str, candidates: Sequence[str],
                 pattern: re.Pattern[str] | None = None) -> bool:
    """Whether the text condition holds for a field whose readings are ``candidates``.

    A field may be read several ways (an address header: the whole line, each address, each
    name); a positive condition holds when one reading satisfies it, "does not contain" when
    none contains the text.
    """
    if operator is Operator.MATCHES:
        assert pattern is not None, "a 'matches' condition is compiled before it runs"
        return any(pattern.search(fold(candidate)) for candidate in candidates)
    needle = fold(wanted.strip())
    folded = [fold(candidate).strip() for candidate in candidates]
    if operator is Operator.CONTAINS:
        return any(needle in text for text in folded)
    if operator is Operator.NOT_CONTAINS:
        return not any(needle in text for text in folded)
    if operator is Operator.IS:
        return any(needle == text for text in folded)
    if operator is Operator.BEGINS_WITH:
        return any(text.startswith(needle) for text in folded)
    raise ValueError(f"{operator} is not a text operator")


__all__ = ["fold", "text_matches"]
