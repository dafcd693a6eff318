"""Benchmark of name masking in free text (not a test): the recogniser of
``barometre.engine.names`` (Presidio, spaCy's ``fr_core_news_sm`` and the rules) on the frozen
corpus of tests/data/privacy, for its tuning half and its held-out half, and on the blind
sets: blind.jsonl (« aveugle », measured blind once, tuning material since) and
blind2.jsonl (« aveugle 2 », kept for the final measure): recall of person names, place and
structure names wrongly masked, masks that touch no person name, time per text and the
memory the model costs the process.

    make bench-privacy
    python benchmarks/bench_privacy.py --show   # also what was missed or wrongly masked
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from tests.privacy_corpus import BLIND, BLIND2, HALVES, load, measure

from barometre.engine.names import find_personal_data, mask_names

TARGET_RECALL, TARGET_FALSE_MASKS = 0.95, 0.05


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="names missed, places masked")
    args = parser.parse_args()
    before = rss_mb()
    started = time.perf_counter()
    mask_names("Chargement du modèle. Jeanne Martin")
    load_s = time.perf_counter() - started
    print(f"modèle chargé en {load_s:.1f} s, mémoire +{rss_mb() - before:.0f} Mo (RSS)")
    sets = [(half, load(half)) for half in HALVES]
    sets.append(("aveugle", load(path=BLIND)))
    sets.append(("aveugle 2", load(path=BLIND2)))
    for half, texts in sets:
        started, cpu = time.perf_counter(), time.process_time()
        result = measure(texts, find_personal_data)
        per_text = (time.perf_counter() - started) / len(texts) * 1000
        cpu_per_text = (time.process_time() - cpu) / len(texts) * 1000
        print(
            f"{half:>9} : {len(texts)} textes, noms de personne masqués "
            f"{result.persons_masked}/{result.persons} ({result.recall:.1%}), "
            f"lieux et structures masqués à tort {result.places_masked}/{result.places} "
            f"({result.false_mask_rate:.1%}), masques hors noms de personne "
            f"{result.stray_masks_per_text:.2f} par texte, {per_text:.1f} ms par texte "
            f"({cpu_per_text:.1f} ms CPU)"
        )
        # The blind sets are measured once: what they missed is printed every time.
        if args.show or half.startswith("aveugle"):
            for line in result.missed:
                print("   manqué :", line)
            for line in result.wrongly_masked:
                print("   à tort :", line)
            for line in result.stray:
                print("   hors nom :", line)
    print(f"mémoire totale du processus : {rss_mb():.0f} Mo (RSS), charge {os.getloadavg()[0]:.1f}")
    print(
        f"cibles sur la moitié held-out et les ensembles aveugles : rappel ≥ {TARGET_RECALL:.0%}, "
        f"masqués à tort ≤ {TARGET_FALSE_MASKS:.0%}"
    )


if __name__ == "__main__":
    main()
