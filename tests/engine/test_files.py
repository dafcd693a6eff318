import io

import pytest
from python_calamine import CalamineWorkbook

from barometre.engine.command import main

HEADER = "structure;categorie;departement;canal;audit;enqueteur;critere;valeur;envoye_le;repondu_le"
ROWS = [
    "=Mairie d'Orléans;Villes;45;phone;A1;E1;phone.answered;oui;;",
    "=Mairie d'Orléans;Villes;45;phone;A1;E1;phone.answered_first_attempt;oui;;",
    "=Mairie d'Orléans;Villes;45;phone;A1;E1;phone.rings;2;;",
    "=Mairie d'Orléans;Villes;45;phone;A1;E1;phone.courtesy;very_good;;",
    "=Mairie d'Orléans;Villes;45;phone;A1;E1;phone.answer_quality;partial;;",
    "=Mairie d'Orléans;Villes;45;email;A2;E2;email.replied;oui;;",
    "=Mairie d'Orléans;Villes;45;email;A2;E2;email.reply_delay;;12/05/2025 09:00;15/05/2025 16:30",
    "=Mairie d'Orléans;Villes;45;email;A2;E2;email.answer_quality;complete;;",
]


def write(tmp_path, rows, encoding="cp1252"):
    path = tmp_path / "reponses.csv"
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))
    return path


def sheets(path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_score_writes_every_sheet_from_a_french_csv(tmp_path, capsys):
    out = tmp_path / "resultats.xlsx"
    assert (
        main(["barometre-2025", str(write(tmp_path, ROWS)), "--out", str(out), "--resamples", "50"])
        == 0
    )
    book = sheets(out)
    assert {
        "Structures",
        "Canaux",
        "Déterminants",
        "Étapes",
        "Chiffres clés",
        "Classements",
        "Enquêteurs",
        "Problèmes",
    } <= set(book)
    structures = book["Structures"]
    assert structures[0][:4] == ["Structure", "Catégorie", "Département", "Score global /100"]
    # A name starting with "=" is written as text, never as a formula.
    assert structures[1][0] == "'=Mairie d'Orléans"
    detail = {row[1]: row[2] for row in book["Canaux (détail)"][1:]}
    assert set(detail) == {"phone", "email"}
    # Missing answers are reported (not silently zero) in the problems sheet.
    assert any("réponse manquante" in str(row[3]) for row in book["Problèmes"][1:])
    assert "1 structures, 2 audits" in capsys.readouterr().err


def test_malformed_answers_get_row_errors_and_no_output_file(tmp_path, capsys):
    rows = ROWS[:]
    rows[2] = rows[2].replace(";2;", ";deux;")
    rows[6] = rows[6].replace("15/05/2025 16:30", "09/05/2025 16:30")
    out = tmp_path / "resultats.xlsx"
    assert main(["barometre-2025", str(write(tmp_path, rows)), "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "Ligne 4, colonne « value » (valeur « deux ») : nombre attendu" in err
    assert "Ligne 8, colonne « replied_at »" in err and "réponse datée avant son envoi" in err
    assert "Aucun fichier écrit." in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier est vide."),
        (
            b"structure;canal\r\nS;phone\r\n",
            "colonnes obligatoires absentes : audit, critere",
        ),
        (
            HEADER.encode() + b"\r\nS;V;45;phone;A1;E1;phone.answered;oui;31/02/2025;\r\n",
            "date attendue au format jj/mm/aaaa hh:mm",
        ),
    ],
)
def test_unreadable_files_are_refused(tmp_path, capsys, content, message):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    assert main(["barometre-2025", str(path), "--out", str(tmp_path / "o.xlsx")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o.xlsx").exists()


def test_an_invalid_grid_is_reported_with_its_path(tmp_path, capsys):
    grid = tmp_path / "grille.yaml"
    grid.write_text("id: g\ntitle: G\nchannels: []\nstages: []\ndeterminants: []\ncriteria: 3\n")
    assert main([str(grid), str(write(tmp_path, ROWS)), "--out", str(tmp_path / "o.xlsx")]) == 2
    assert "criteria (ligne 6)" in capsys.readouterr().err


def test_score_counts_reply_delays_over_replies_and_states_each_figures_n(tmp_path):
    """The issue's case: an e-mail marked "not replied" with a delay of 1 is not a reply
    within 10 working days (1/1, not 2/2)."""
    rows = [
        *ROWS,
        "=Mairie d'Orléans;Villes;45;email;A3;E2;email.replied;non;;",
        "=Mairie d'Orléans;Villes;45;email;A3;E2;email.reply_delay;1;;",
    ]
    out = tmp_path / "resultats.xlsx"
    main(["barometre-2025", str(write(tmp_path, rows)), "--out", str(out), "--resamples", "20"])
    sheet = sheets(out)["Chiffres clés"]
    header = sheet[0]
    figures = {row[0]: dict(zip(header, row, strict=True)) for row in sheet[1:]}
    within = figures["Courriels répondus en 10 jours ouvrés au plus (parmi les courriels répondus)"]
    assert (within["Numérateur (taux)"], within["Effectif (n)"]) == (1, 1)
    assert within["Effectif compté en"] == "courriels répondus"
    rings = figures["Nombre moyen de sonneries des appels aboutis"]
    assert (rings["Nature"], rings["Numérateur (taux)"], rings["Effectif (n)"]) == (
        "moyenne",
        "",
        1,
    )
