"""The second blind set of name masking (tests/data/privacy/blind2.jsonl) is what its
generator writes, and its annotations hold: each span is the name or place it claims. No
masking code runs here: the set is measured once, by ``make bench-privacy``."""

import importlib.util
import itertools
import json
from pathlib import Path

from tests.privacy_corpus import BLIND2, load

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "privacy_blind2.py"


def _generator():
    spec = importlib.util.spec_from_file_location("privacy_blind2", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_frozen_file_is_what_the_generator_writes():
    built = [json.loads(json.dumps(item, ensure_ascii=False)) for item in _generator().build()]
    assert load(path=BLIND2) == built


def test_spans_match_the_names_and_places_written():
    texts = load(path=BLIND2)
    for item in texts:
        text = item["text"]
        written = [text[start:end] for start, end in item["persons"]]
        assert written == item["person_names"], item["id"]
        for start, end in item["places"]:
            place = text[start:end]
            assert place and place == place.strip() and not set(place) & set("⟦⟧⟪⟫⦃⦄"), item["id"]
        spans = sorted(item["persons"] + item["places"])
        assert all(end <= start for (_, end), (start, _) in itertools.pairwise(spans)), item["id"]


def test_the_set_is_large_enough_and_mixes_its_sources():
    texts = load(path=BLIND2)
    persons = [source for t in texts for source in t["persons_source"]]
    places = sum(len(t["places"]) for t in texts)
    assert len(texts) >= 160 and len(persons) >= 170 and places >= 110
    assert sum(t["kind"] == "hand" for t in texts) >= 40
    faker = persons.count("faker")
    assert 0.4 <= faker / len(persons) <= 0.6
    assert {t["half"] for t in texts} == {"blind2"}


def test_hand_written_names_of_the_templates_are_not_in_faker_lists():
    generator = _generator()
    for first, last in generator.HAND_NAMES:
        assert not generator.in_faker(f"{first} {last}"), (first, last)
    assert generator.in_faker("Jeanne Martin") and not generator.in_faker("Iñaki Etxeberria")
