"""Every DSFR icon class the templates use exists in the shipped DSFR styles: an unknown
class draws nothing but the icon's mask, a solid square."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

SRC = Path(__file__).resolve().parents[2] / "src"
STYLES = ["dsfr/dist/dsfr.min.css", "dsfr/dist/utility/utility.min.css"]


def test_every_icon_class_used_exists_in_the_dsfr():
    known = set()
    for name in STYLES:
        known |= set(re.findall(r"\.(fr-icon-[a-z0-9-]+)", Path(finders.find(name)).read_text()))
    assert len(known) > 1000
    used = {}
    for path in SRC.rglob("*"):
        if path.suffix in {".html", ".py"}:
            for icon in re.findall(r"\bfr-icon-[a-z0-9-]+", path.read_text(encoding="utf-8")):
                used.setdefault(icon, str(path.relative_to(SRC)))
    unknown = {icon: where for icon, where in used.items() if icon not in known}
    assert not unknown, f"icônes absentes du DSFR : {unknown}"
