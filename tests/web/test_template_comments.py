"""Django's ``{# #}`` comments end at the end of their line: one that runs onto the next
line is printed to users. Longer comments use ``{% comment %}``."""

from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def test_no_template_comment_spans_two_lines():
    open_comments = []
    for path in sorted(SRC.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            start = line.find("{#")
            while start != -1:
                end = line.find("#}", start + 2)
                if end == -1:
                    open_comments.append(f"{path.relative_to(SRC)}:{number}")
                    break
                start = line.find("{#", end + 2)
    assert not open_comments, f"commentaire {{# #}} sur plusieurs lignes : {open_comments}"
