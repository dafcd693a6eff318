"""Headings and table captions are never left alone at the bottom of a page with what
they announce on the next (QA: « Nombre de structures par tranche » at the foot of the
synthesis' page 4, its table on page 5). One page per height of the text above them, from
a heading that fits easily to a table that no longer fits."""

from django.template import engines

from barometre.core.pdf import font_faces, html_to_pdf
from tests.pdf import layout_problems, stranded_headings

PAGE = """
<section class="page">
    <div style="height: {height}mm"></div>
    <h3>Distinctions</h3>
    <p>Lauréat de la catégorie et structures qui le suivent.</p>
    <div class="fr-table">
        <table>
            <caption>Nombre de structures par tranche de score global</caption>
            <thead><tr><th>0–9</th><th>10–19</th><th>20–29</th></tr></thead>
            <tbody><tr><td>1</td><td>2</td><td>3</td></tr><tr><td>4</td><td>5</td><td>6</td></tr></tbody>
        </table>
    </div>
</section>
"""
# Without the shared rules, as WeasyPrint lays out by default (it keeps only a heading
# with what follows it).
DEFAULT_BREAKS = "<style>caption, p { break-after: auto !important; }</style>"


def _pdf(extra_style: str = "") -> bytes:
    body = "".join(PAGE.format(height=height) for height in range(200, 250, 2))
    document = engines["django"].from_string(
        '{% extends "core/pdf_base.html" %}{% block title %}Sauts de page{% endblock %}'
        "{% block extra_style %}" + extra_style + "{% endblock %}"
        "{% block body %}" + body + "{% endblock %}"
    )
    return html_to_pdf(document.render({"font_faces": font_faces()}))


def test_a_caption_or_a_heading_alone_at_the_bottom_of_a_page_is_reported(tmp_path):
    path = tmp_path / "defaut.pdf"
    path.write_bytes(_pdf(DEFAULT_BREAKS))
    stranded = stranded_headings(path)
    assert any("« Nombre de structures par tranche de score global »" in s for s in stranded)


def test_the_shared_pdf_style_keeps_them_with_their_table(tmp_path):
    assert layout_problems(tmp_path, _pdf(), name="sauts-de-page") == []
