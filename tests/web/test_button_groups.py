"""A group of DSFR buttons with icons says where the icon goes (« fr-btns-group--icon-left »):
without it the design system draws every button of the group that has an icon as the
icon alone, 40 pixels wide, its text hidden (« Nouvelle structure », « Diplôme de la
distinction (PDF) » were squares with an arrow)."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
GROUP = re.compile(r'<ul class="(fr-btns-group[^"]*)"(.*?)</ul>', re.DOTALL)
# The header's tools are laid out by the header's own rules.
LAID_OUT_ELSEWHERE = {"header.html"}


def test_every_button_group_with_icons_places_them():
    silent = [
        f"{path.relative_to(SRC)}:{text[: found.start()].count(chr(10)) + 1}"
        for path in sorted(SRC.rglob("*.html"))
        if path.name not in LAID_OUT_ELSEWHERE
        for text in [path.read_text(encoding="utf-8")]
        for found in GROUP.finditer(text)
        if "fr-btns-group--icon-" not in found[1] and re.search(r"fr-btn\b[^\"]*fr-icon-", found[2])
    ]
    assert not silent, f"groupe de boutons à icônes sans « fr-btns-group--icon-left » : {silent}"
