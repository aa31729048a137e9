"""The classifier's arithmetic, pure: Gary Robinson's token probabilities and Fisher's
chi-square combination, as SpamBayes does it (its classifier.py, chi2.py) and Thunderbird's
filter since version 2.

A token's probability of junk is the share of junk among the trained messages that had it,
each class weighed by its size, pulled towards 0.5 while evidence is thin (Robinson's f(w)).
Only the tokens far enough from 0.5 take part, at most :data:`MAX_CLUES` of the strongest, and
their probabilities are combined twice, once as evidence of junk and once of good mail: a
message that looks like both, or like neither, ends near 0.5 ("unsure"), where Graham's product
would have swung to one end.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

#: Robinson's s: how many messages' worth of weight the prior 0.5 has (SpamBayes' default 0.45).
UNKNOWN_WORD_STRENGTH = 0.45
#: Robinson's x: the probability of a token never trained.
UNKNOWN_WORD_PROBABILITY = 0.5
#: Tokens closer than this to 0.5 tell nothing and are left out (SpamBayes: 0.1).
MINIMUM_STRENGTH = 0.1
#: At most this many of the strongest tokens are combined (SpamBayes: 150).
MAX_CLUES = 150


@dataclass(frozen=True)
class Score:
    """A message's probability of junk (0 good .. 1 junk) and the tokens that decided it."""

    probability: float
    clues: tuple[tuple[str, float], ...]


def token_probability(junk: int, ham: int, junk_total: int, ham_total: int) -> float:
    """Robinson's f(w) for a token seen in ``junk`` of ``junk_total`` junk and ``ham`` of
    ``ham_total`` good messages."""
    junk_ratio = junk / junk_total if junk_total else 0.0
    ham_ratio = ham / ham_total if ham_total else 0.0
    if junk_ratio + ham_ratio == 0:
        return UNKNOWN_WORD_PROBABILITY
    probability = junk_ratio / (junk_ratio + ham_ratio)
    evidence = junk + ham
    return ((UNKNOWN_WORD_STRENGTH * UNKNOWN_WORD_PROBABILITY + evidence * probability)
            / (UNKNOWN_WORD_STRENGTH + evidence))


def chi2_q(chi2: float, degrees: int) -> float:
    """P(X >= chi2) for X chi-square with an even number of ``degrees`` (closed form)."""
    half = chi2 / 2.0
    term = math.exp(-half)
    total = term
    for index in range(1, degrees // 2):
        term *= half / index
        total += term
    return min(total, 1.0)


def combine(probabilities: list[float]) -> float:
    """Fisher's combination of token probabilities into one indicator, 0.5 when there are none."""
    if not probabilities:
        return 0.5
    # Logs of the products, summed (a product of 150 small numbers underflows).
    junk_evidence = sum(math.log(max(1e-200, 1.0 - probability)) for probability in probabilities)
    good_evidence = sum(math.log(max(1e-200, probability)) for probability in probabilities)
    degrees = 2 * len(probabilities)
    junk_side = 1.0 - chi2_q(-2.0 * junk_evidence, degrees)
    good_side = 1.0 - chi2_q(-2.0 * good_evidence, degrees)
    return (junk_side - good_side + 1.0) / 2.0


def score(counts: Mapping[str, tuple[int, int]], junk_total: int, ham_total: int) -> Score:
    """The score of a message from the counts of its trained tokens (tokens never trained are
    0.5 and would be left out anyway)."""
    clues: list[tuple[float, str, float]] = []
    for token, (junk, ham) in counts.items():
        probability = token_probability(junk, ham, junk_total, ham_total)
        strength = abs(probability - 0.5)
        if strength >= MINIMUM_STRENGTH:
            clues.append((strength, token, probability))
    # Strongest first; ties by token, so a score never depends on a dictionary's order.
    clues.sort(key=lambda clue: (-clue[0], clue[1]))
    chosen = clues[:MAX_CLUES]
    probability = combine([clue[2] for clue in chosen])
    return Score(probability, tuple((token, probability) for _, token, probability in chosen))
