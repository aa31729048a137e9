"""The junk filter's settings and verdicts, kept in the profile's ``junk_state`` table so the
window and the command line share them.

Thresholds as SpamBayes has them: a score at or above ``junk_threshold`` is junk, one below
``unsure_threshold`` good, anything between unsure (left where it is, for the user to judge).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from app.core.errors import ConfigError

#: Trained messages of each kind before the filter moves anything: with fewer, a handful of
#: words decides, and good mail lands in Junk.
MIN_TRAINED_PER_CLASS = 5


class Verdict(enum.StrEnum):
    JUNK = "junk"
    UNSURE = "unsure"
    GOOD = "good"


@dataclass(frozen=True)
class JunkSettings:
    """What the user chose in Preferences > Junk or with ``poplark junk set``."""

    enabled: bool = True
    #: SpamBayes' spam cutoff: 0.90.
    junk_threshold: float = 0.90
    #: SpamBayes' ham cutoff: 0.20.
    unsure_threshold: float = 0.20
    #: Mail from the address book or from anyone the user wrote to is never junk.
    trust_contacts: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.unsure_threshold <= self.junk_threshold <= 1.0:
            raise ConfigError("the junk threshold must be at least the unsure threshold, both between 0 and 1"
                              f" (given: junk {self.junk_threshold}, unsure {self.unsure_threshold})")

    def verdict(self, probability: float) -> Verdict:
        if probability >= self.junk_threshold:
            return Verdict.JUNK
        if probability < self.unsure_threshold:
            return Verdict.GOOD
        return Verdict.UNSURE

    def as_state(self) -> dict[str, str]:
        return {"enabled": str(int(self.enabled)), "junk_threshold": repr(self.junk_threshold),
                "unsure_threshold": repr(self.unsure_threshold), "trust_contacts": str(int(self.trust_contacts))}

    @classmethod
    def from_state(cls, state: Mapping[str, str]) -> JunkSettings:
        """The settings in ``junk_state`` (defaults for what is missing or unreadable)."""
        default = cls()
        try:
            return cls(enabled=state.get("enabled", "1") != "0",
                       junk_threshold=float(state.get("junk_threshold", default.junk_threshold)),
                       unsure_threshold=float(state.get("unsure_threshold", default.unsure_threshold)),
                       trust_contacts=state.get("trust_contacts", "1") != "0")
        except (ValueError, ConfigError):
            return default
