"""Every pointer from the code to docs/architecture.md names a section or invariant that exists.

Comments say "docs/architecture.md, invariant 1" or "docs/architecture.md, Pitfalls"; a newcomer
who follows one must land on it. The founding DESIGN.md is not in the repository, so no comment
may point there.
"""

from __future__ import annotations

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
DOCUMENT = REPOSITORY / "docs" / "architecture.md"
SEARCHED = ("app", "tests", "bench", "packaging")
#: "architecture.md, invariant 7", "architecture.md, invariants 1-4", "architecture.md, Pitfalls",
#: 'architecture.md, "Reading mail"', "architecture.md (Layers)".
REFERENCE = re.compile(r"architecture\.md(?:,\s*|\s*\()(?:invariants? (?P<first>\d+)(?:-(?P<last>\d+))?"
                       r"|\"(?P<quoted>[^\"]+)\"|(?P<word>[A-Z][a-z]+))")


def _sources() -> list[Path]:
    found = [path for folder in SEARCHED for path in (REPOSITORY / folder).rglob("*")
             if path.suffix in {".py", ".spec", ".sh"} and path.is_file()]
    return [*found, REPOSITORY / "pyproject.toml"]


def _headings_and_invariants() -> tuple[set[str], int]:
    text = DOCUMENT.read_text(encoding="utf-8")
    headings = {line.lstrip("#").strip() for line in text.splitlines() if line.startswith("## ")}
    section = text.split("## Invariants", 1)[1].split("\n## ", 1)[0]
    numbers = [int(match) for match in re.findall(r"^(\d+)\. ", section, re.MULTILINE)]
    assert numbers == list(range(1, len(numbers) + 1)), "the invariants are numbered 1, 2, 3..."
    return headings, len(numbers)


def test_every_reference_to_the_design_document_lands_somewhere() -> None:
    headings, invariants = _headings_and_invariants()
    this_file = Path(__file__).resolve()
    broken: list[str] = []
    seen = 0
    for path in _sources():
        if path.resolve() == this_file:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        where = path.relative_to(REPOSITORY)
        if "DESIGN.md" in text:
            broken.append(f"{where}: points to DESIGN.md, which is not in the repository")
        for match in REFERENCE.finditer(" ".join(text.split())):
            seen += 1
            if match["first"]:
                last = int(match["last"] or match["first"])
                if not 1 <= int(match["first"]) <= last <= invariants:
                    broken.append(f"{where}: {match[0]} (there are {invariants} invariants)")
            else:
                name = match["quoted"] or match["word"]
                if name not in headings:
                    broken.append(f"{where}: {match[0]} (sections: {sorted(headings)})")
    assert broken == []
    assert seen >= 20, "the pattern no longer finds the references: fix REFERENCE"


def test_the_pattern_finds_the_forms_in_use() -> None:
    samples = {
        "see docs/architecture.md, invariant 7": ("7", None, None, None),
        "docs/architecture.md, invariants 1-4": ("1", "4", None, None),
        'docs/architecture.md, "Reading mail"': (None, None, "Reading mail", None),
        "docs/architecture.md (Layers)": (None, None, None, "Layers"),
        "docs/architecture.md, Pitfalls: keyrings.alt": (None, None, None, "Pitfalls"),
    }
    for text, expected in samples.items():
        match = REFERENCE.search(text)
        assert match is not None, text
        assert (match["first"], match["last"], match["quoted"], match["word"]) == expected, text
