"""The templates of our PDF documents, and every template they include, keep a number
and its « % » together: « Intervalle 95 % » in a narrow table header otherwise sends the
« % » to the next line (seen in the annual review's PDF)."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
INCLUDE = re.compile(r'{% include "([^"]+)"')
TAG = re.compile(r"{%.*?%}")
# A number, or a variable printing one, then an ordinary space and the unit.
BREAKABLE = re.compile(r"(?:\d|}}) %")


def _template(name: str) -> Path:
    (path,) = SRC.glob(f"barometre/*/templates/{name}")
    return path


def pdf_templates() -> set[Path]:
    """Every document extending ``core/pdf_base.html`` and what it includes."""
    todo = [
        path
        for path in SRC.rglob("*.html")
        if '{% extends "core/pdf_base.html" %}' in path.read_text(encoding="utf-8")
    ]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo += [_template(name) for name in INCLUDE.findall(path.read_text("utf-8"))]
    return seen


def test_the_pdf_templates_are_found_with_their_includes():
    names = {path.name for path in pdf_templates()}
    assert {"certificate.html", "review_pdf.html", "internal_stages.html"} <= names


def test_no_pdf_template_lets_a_percent_leave_its_number():
    loose = [
        f"{path.relative_to(SRC)}:{number} : « {found} »"
        for path in sorted(pdf_templates())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for found in BREAKABLE.findall(TAG.sub("", line))
    ]
    assert not loose, f"espace sécable entre un nombre et « % » (écrire « 95&nbsp;% ») : {loose}"
