"""The frozen corpora of tests/data/privacy and how name masking is measured on them, for
the tests of the targets and for ``make bench-privacy``: corpus.jsonl (a tuning half and a
held-out half) and blind.jsonl (a second set, written without reading the rules and measured
once, built by benchmarks/privacy_blind.py); blind2.jsonl, a third set written the same way
by benchmarks/privacy_blind2.py for the final measure once the rules are improved.

- recall: the share of person names whose every letter is masked;
- false masks: the share of place and structure names of which any letter is masked;
- stray masks: masked spans that touch no person name (per text)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "data" / "privacy" / "corpus.jsonl"
BLIND = CORPUS.with_name("blind.jsonl")
BLIND2 = CORPUS.with_name("blind2.jsonl")
HALVES = ("tuning", "held-out")


def load(half: str | None = None, path: Path = CORPUS) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        corpus = [json.loads(line) for line in lines]
    return [t for t in corpus if half is None or t["half"] == half]


@dataclass
class Measure:
    persons: int = 0
    persons_masked: int = 0
    places: int = 0
    places_masked: int = 0
    texts: int = 0
    stray_masks: int = 0
    missed: list[str] = field(default_factory=list)
    wrongly_masked: list[str] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.persons_masked / self.persons if self.persons else 1.0

    @property
    def false_mask_rate(self) -> float:
        return self.places_masked / self.places if self.places else 0.0

    @property
    def stray_masks_per_text(self) -> float:
        return self.stray_masks / self.texts if self.texts else 0.0


def measure(texts: list[dict], find) -> Measure:
    """``find(text)`` gives the spans masked in a text (objects with ``start`` and ``end``)."""
    out = Measure()
    for item in texts:
        text = item["text"]
        out.texts += 1
        masked = set()
        person_letters = {i for start, end in item["persons"] for i in range(start, end)}
        for found in find(text):
            masked.update(range(found.start, found.end))
            if not person_letters.intersection(range(found.start, found.end)):
                out.stray_masks += 1
                out.stray.append(f"{item['id']}: {text[found.start : found.end]!r}")
        for start, end in item["persons"]:
            out.persons += 1
            letters = [i for i in range(start, end) if text[i].isalpha()]
            if all(i in masked for i in letters):
                out.persons_masked += 1
            else:
                out.missed.append(f"{item['id']}: {text[start:end]!r} in {_shown(text, masked)!r}")
        for start, end in item["places"]:
            out.places += 1
            if any(i in masked for i in range(start, end)):
                out.places_masked += 1
                shown = _shown(text, masked)
                out.wrongly_masked.append(f"{item['id']}: {text[start:end]!r} in {shown!r}")
    return out


def _shown(text: str, masked: set[int]) -> str:
    """The text as masked, each masked letter written ``▮``, to read what was missed."""
    return "".join("▮" if i in masked else char for i, char in enumerate(text))
