"""Words the interface composes: no « (s) » plurals, category bounds that say where a
town falls."""

import re
from pathlib import Path

from barometre.campaigns.models import DEFAULT_CATEGORIES
from barometre.core.figures import count_of, format_count

SRC = Path(__file__).resolve().parent.parent / "src" / "barometre"


def test_no_plural_in_brackets_is_left_in_the_interface():
    """« 1 audit(s) confié(s) »: a count takes its plural mark from 2 (``count_of``,
    ``plural``, the ``fr_plural`` filter)."""
    found = []
    for path in SRC.rglob("*"):
        if path.suffix not in {".py", ".html", ".txt", ".yaml", ".md"}:
            continue
        if "migrations" in path.parts or "vendor" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"[a-zéèêàç]\(s\)(?! for )", line):  # not a call: f(s) for s in
                found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert found == []


def test_count_of_marks_the_plural_from_two():
    assert count_of(0, "fiche") == "0 fiche"
    assert count_of(1, "audit") == "1 audit"
    assert count_of(3, "mise", " à jour") == "3 mises à jour"
    assert count_of(12000, "réponse") == "12\u202f000 réponses"


def test_population_bands_are_named_by_their_bounds():
    """A band from 20 000 to 50 000 (excluded) reads « de 20 000 à 49 999 habitants », the
    thousands separated by a narrow no-break space as every figure is."""
    for name, _kinds, low, high in DEFAULT_CATEGORIES:
        if low is not None and high is not None:
            assert f"de {format_count(low)} à {format_count(high - 1)} habitants" in name
        elif low is not None:
            assert f"plus de {format_count(low)} habitants" in name
        elif high is not None:
            assert f"moins de {format_count(high)} habitants" in name
        assert " 000" not in name  # an ordinary space would let the figure break
