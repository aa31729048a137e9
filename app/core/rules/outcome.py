"""What a run of the rules decided and did: :class:`RunOutcome`, apart from the code that runs them.

Every fetch's new-mail step (:mod:`app.core.rules.new_mail`) returns one, but most fetches run no
rule at all; keeping the record here lets ``poplark fetch`` start without importing the matching
code and the reader's header parser (about 40 modules), which :func:`~app.core.rules.apply.run_rules`
loads only when a rule is enabled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.rules.evaluate import Decision


@dataclass
class RunOutcome:
    """What a run decided (every message a rule acts on) and, unless a dry run, what it did."""

    decisions: list[Decision] = field(default_factory=list)
    moved: int = 0
    copied: int = 0
    tagged: int = 0
    marked: int = 0
    forwarded: int = 0
    server_deletions: int = 0
    #: Sentences about actions that could not be carried out (a folder deleted meanwhile...).
    problems: list[str] = field(default_factory=list)
    #: Ids of messages this run created (copies): the search indexer picks them up.
    created: list[int] = field(default_factory=list)
    #: (message id, rule id) not to record as carried out: their forward could not be queued.
    unrecorded: set[tuple[int, int | None]] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.moved or self.copied or self.tagged or self.marked or self.server_deletions)
