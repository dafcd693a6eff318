"""Templates stay readable in a review and a side-by-side diff: no line over 160
characters. A long text is written over several lines, a long tag has one attribute per
line (djlint lays them out), and a long ``{% include ... with ... %}`` takes its constant
arguments from an enclosing ``{% with %}`` (a Django tag cannot span two lines)."""

from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
MAX_LENGTH = 160


def test_no_template_line_is_longer_than_160_characters():
    long_lines = [
        f"{path.relative_to(SRC)}:{number} ({len(line)})"
        for path in sorted(SRC.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > MAX_LENGTH
    ]
    assert not long_lines, f"lignes de plus de {MAX_LENGTH} caractères : {long_lines}"
