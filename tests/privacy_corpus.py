"""The frozen corpus of tests/data/privacy and how name masking is measured on it, for the
test of the held-out targets and for ``make bench-privacy``.

- recall: the share of person names whose every letter is masked;
- false masks: the share of place and structure names of which any letter is masked."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "data" / "privacy" / "corpus.jsonl"
HALVES = ("tuning", "held-out")


def load(half: str | None = None) -> list[dict]:
    with CORPUS.open(encoding="utf-8") as lines:
        corpus = [json.loads(line) for line in lines]
    return [t for t in corpus if half is None or t["half"] == half]


@dataclass
class Measure:
    persons: int = 0
    persons_masked: int = 0
    places: int = 0
    places_masked: int = 0
    missed: list[str] = field(default_factory=list)
    wrongly_masked: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.persons_masked / self.persons if self.persons else 1.0

    @property
    def false_mask_rate(self) -> float:
        return self.places_masked / self.places if self.places else 0.0


def measure(texts: list[dict], find) -> Measure:
    """``find(text)`` gives the spans masked in a text (objects with ``start`` and ``end``)."""
    out = Measure()
    for item in texts:
        text = item["text"]
        masked = set()
        for found in find(text):
            masked.update(range(found.start, found.end))
        for start, end in item["persons"]:
            out.persons += 1
            letters = [i for i in range(start, end) if text[i].isalpha()]
            if all(i in masked for i in letters):
                out.persons_masked += 1
            else:
                out.missed.append(f"{item['id']}: {text[start:end]!r} in {text!r}")
        for start, end in item["places"]:
            out.places += 1
            if any(i in masked for i in range(start, end)):
                out.places_masked += 1
                out.wrongly_masked.append(f"{item['id']}: {text[start:end]!r} in {text!r}")
    return out
