from tests.html import shown


def test_line_breaks_read_as_a_browser_shows_them():
    source = '<tr>\n  <th scope="row">Téléphone</th>\n  <td class="n">\n    2\n  </td>\n</tr>'
    assert shown(source) == '<tr><th scope="row">Téléphone</th><td class="n">2</td></tr>'
    # Between inline elements and words, a line break is a space.
    assert (
        shown("Marianne,\n    <strong>expiré</strong>\n    le 15/06")
        == "Marianne, <strong>expiré</strong> le 15/06"
    )
