import datetime as dt

import pytest

from barometre.structures import importing
from barometre.structures.importing import ImportRefused, apply_import, plan_import
from barometre.structures.models import ContactPoint, Label, Structure

from .files import HEADER, ROWS, csv_bytes, xlsx_bytes

MAX = 1024 * 1024
pytestmark = pytest.mark.django_db


def run(content: bytes, name: str = "structures.csv"):
    plan = plan_import(content, name, max_bytes=MAX)
    return plan, [str(p) for p in plan.problems]


@pytest.mark.parametrize(
    "content",
    [
        csv_bytes(),
        csv_bytes(encoding="cp1252"),
        csv_bytes(bom=True),
        csv_bytes(sep=",", encoding="cp1252"),
        csv_bytes(sep="\t"),
        xlsx_bytes(),
    ],
    ids=["utf8-semicolon", "cp1252-semicolon", "utf8-bom", "cp1252-comma", "tab", "xlsx"],
)
def test_it_imports_every_format_french_offices_write(content):
    plan, problems = run(content)
    assert problems == []
    counts = apply_import(plan)
    assert counts == {"create": 3, "update": 0, "unchanged": 0}
    orleans = Structure.objects.get(identifier="45234")
    assert orleans.name == "Mairie d'Orléans"
    assert orleans.population == 116_617
    assert orleans.labels.get().obtained_on == dt.date(2021, 3, 15)
    prefecture = Structure.objects.get(identifier="13000548700017")
    assert prefecture.kind == "state"
    assert sorted(
        prefecture.contact_points.filter(channel="email").values_list("value", flat=True)
    ) == [
        "accueil@example.fr",
        "pref-qualite@example.fr",
    ]


def test_reimporting_the_same_file_creates_no_duplicates():
    apply_import(run(csv_bytes())[0])
    plan, _ = run(csv_bytes())
    assert [item.action for item in plan.items] == ["unchanged"] * 3
    assert apply_import(plan) == {"create": 0, "update": 0, "unchanged": 3}
    assert Structure.objects.count() == 3
    assert ContactPoint.objects.count() == 6
    assert Label.objects.count() == 1


def test_reimporting_a_changed_file_updates_by_identifier():
    apply_import(run(csv_bytes())[0])
    rows = [list(r) for r in ROWS]
    rows[1][1] = "Mairie de Metz"
    rows[0][8] = ""  # label removed
    plan, _ = run(csv_bytes(rows))
    assert [i.action for i in plan.items] == ["update", "update", "unchanged"]
    apply_import(plan)
    assert Structure.objects.get(identifier="57463").name == "Mairie de Metz"
    assert not Label.objects.exists()
    assert Structure.objects.count() == 3


def test_parents_may_come_from_the_file_or_the_registry():
    header = [*HEADER, "rattachement"]
    rows = [[*r, ""] for r in ROWS]
    rows[0][-1] = "13000548700017"
    apply_import(run(csv_bytes(rows, header))[0])
    assert Structure.objects.get(identifier="45234").parent.identifier == "13000548700017"


def test_hostile_strings_are_stored_as_text_not_markup():
    rows = [list(r) for r in ROWS]
    rows[0][1] = "<script>alert('x')</script> & =HYPERLINK(\"http://evil\")"
    plan, problems = run(csv_bytes(rows))
    assert problems == []
    apply_import(plan)
    assert Structure.objects.get(identifier="45234").name.startswith("<script>")


MALFORMED = {
    "empty": (b"", ["Le fichier est vide."]),
    "pdf": (
        b"%PDF-1.7\n...",
        ["Ce fichier est un document PDF, pas un tableur : envoyez un fichier XLSX ou CSV."],
    ),
    "renamed-executable": (
        b"MZ\x90\x00\x03" + b"\x00" * 50,
        [
            "Ce fichier est un programme exécutable Windows, pas un tableur : envoyez un fichier "
            "XLSX ou CSV."
        ],
    ),
    "binary": (
        b"abc\x00\x01\x02" * 10,
        [
            "Ce fichier contient des données binaires, ce n'est pas un tableur : envoyez un "
            "fichier XLSX ou CSV."
        ],
    ),
    "corrupt-xlsx": (
        xlsx_bytes()[:300],
        ["Le classeur est illisible ou endommagé (ni XLSX, ni XLS, ni ODS valide)."],
    ),
    "header-only": (
        ";".join(HEADER).encode() + b"\r\n;;;\r\n",
        ["Le fichier n'a aucune ligne de données."],
    ),
    "missing-columns": (
        b"identifiant;nom\r\n45234;Orleans\r\n",
        [
            "Colonnes obligatoires absentes : « type », « departement ». "
            "Colonnes trouvées : identifiant, nom."
        ],
    ),
    "unknown-column": (
        csv_bytes(header=[*HEADER[:-1], "couleur"]),
        ["Colonne inconnue : couleur. Voir la liste des colonnes dans docs/formats.md."],
    ),
    "duplicate-header": (
        b"nom;nom;type;departement;identifiant\r\n",
        ["La colonne « nom » apparaît deux fois dans l'en-tête."],
    ),
    "bad-siret-key": (
        csv_bytes([["13000548700012", "Préfecture", "state", "45", "", "", "", "", ""]]),
        [
            "Ligne 2, colonne « identifiant » (valeur « 13000548700012 ») : SIRET invalide : la "
            "clé de contrôle ne correspond pas"
        ],
    ),
    "unknown-type-and-department": (
        csv_bytes([["45234", "Orléans", "Château", "99", "", "", "", "", ""]]),
        [
            "Ligne 2, colonne « type » (valeur « Château ») : type inconnu ; valeurs acceptées : "
            "commune, intercommunality, department, region, france_services, social, hospital, "
            "state, economic, culture, other",
            "Ligne 2, colonne « departement » (valeur « 99 ») : code de département inconnu "
            "(ex. 45, 2A, 974)",
        ],
    ),
    "bad-date-population-email": (
        csv_bytes(
            [
                [
                    "45234",
                    "Orléans",
                    "commune",
                    "45",
                    "beaucoup",
                    "",
                    "n/a",
                    "pas-une-adresse@",
                    "31/02/2021",
                ]
            ]
        ),
        [
            "Ligne 2, colonne « population » (valeur « beaucoup ») : nombre entier attendu",
            "Ligne 2, colonne « telephone » (valeur « n/a ») : numéro de téléphone invalide : n/a",
            "Ligne 2, colonne « courriel » (valeur « pas-une-adresse@ ») : adresse électronique "
            "invalide : pas-une-adresse@",
            "Ligne 2, colonne « label_marianne » (valeur « 31/02/2021 ») : date attendue au "
            "format jj/mm/aaaa",
        ],
    ),
    "duplicate-identifier": (
        csv_bytes([ROWS[0], ROWS[1], ROWS[0]]),
        [
            "Ligne 4, colonne « identifiant » (valeur « 45234 ») : identifiant déjà présent à la "
            "ligne 2"
        ],
    ),
    "unknown-parent": (
        csv_bytes([[*ROWS[0], "21450234500018"]], [*HEADER, "rattachement"]),
        [
            "Ligne 2, colonne « rattachement » (valeur « 21450234500018 ») : structure de "
            "rattachement inconnue (ni dans le fichier, ni dans le registre)"
        ],
    ),
    "too-many-cells": (
        csv_bytes([[*ROWS[0], "en trop"]]),
        [
            "Ligne 2 : la ligne a 10 cellules remplies pour 9 colonnes d'en-tête (séparateur ou "
            "guillemets en trop ?)"
        ],
    ),
    "control-characters": (
        csv_bytes([["45234", "Orl\x07éans", "commune", "45", "", "", "", "", ""]]),
        ["Ligne 2, colonne « nom » (valeur « Orl\x07éans ») : caractères de contrôle interdits"],
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_files_get_exact_messages_and_write_nothing(case):
    content, expected = MALFORMED[case]
    plan, problems = run(content)
    assert problems == expected
    with pytest.raises(ImportRefused):
        apply_import(plan)
    assert Structure.objects.count() == 0


def test_too_large_files_are_refused_with_the_limit():
    content = csv_bytes()
    plan = plan_import(content, "s.csv", max_bytes=100)
    assert [str(p) for p in plan.problems] == [
        f"Le fichier pèse {len(content)} octets, au-delà de la limite de 100 octets."
    ]
    plan = plan_import(b"x" * 3 * 1024 * 1024, "s.csv", max_bytes=2 * 1024 * 1024)
    assert str(plan.problems[0]) == "Le fichier pèse 3,0 Mo, au-delà de la limite de 2,0 Mo."


def test_a_failure_in_the_middle_of_the_write_leaves_nothing(monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 1)  # progress after each row
    plan, _ = run(csv_bytes())
    calls = []

    def explode(done, total):
        calls.append(done)
        if done == 2:
            raise RuntimeError("disque plein")

    with pytest.raises(RuntimeError):
        apply_import(plan, progress=explode)
    assert calls == [1, 2]
    assert Structure.objects.count() == 0


def test_a_second_council_for_the_same_departement_is_refused_with_row_and_reason():
    Structure.objects.create(
        name="Département de Loir-et-Cher",
        identifier="22410001700017",
        kind="department",
        department="41",
    )
    rows = [["22410001700025", "Département – Loir-et-Cher", "department", "41"]]
    plan, problems = run(csv_bytes(rows, HEADER[:4]))
    assert problems == [
        "Ligne 2, colonne « nom » (valeur « Département – Loir-et-Cher ») : une structure de type "
        "« Département » existe déjà pour ce territoire sous le nom « Département de "
        "Loir-et-Cher » (identifiant 22410001700017)"
    ]
    with pytest.raises(ImportRefused):
        apply_import(plan)


def test_the_same_structure_twice_in_a_file_is_refused_on_its_second_row():
    rows = [
        ["13000548700017", "Préfecture du Loiret", "state", "45"],
        ["13000548700025", "Prefecture - Loiret", "state", "45"],
    ]
    _, problems = run(csv_bytes(rows, HEADER[:4]))
    assert len(problems) == 1
    assert problems[0].startswith("Ligne 3, colonne « nom »")
    assert "même structure que la ligne 2 (même type et même nom)" in problems[0]


def test_reimporting_a_council_under_its_own_identifier_is_an_update_not_a_duplicate():
    rows = [["22410001700017", "Département de Loir-et-Cher", "department", "41"]]
    apply_import(run(csv_bytes(rows, HEADER[:4]))[0])
    rows[0][1] = "Conseil départemental de Loir-et-Cher"
    plan, problems = run(csv_bytes(rows, HEADER[:4]))
    assert problems == []
    assert apply_import(plan)["update"] == 1


def test_the_name_in_a_sentence_is_imported_and_otherwise_derived():
    header = [*HEADER[:4], "nom_dans_une_phrase"]
    rows = [
        ["45234", "Mairie d'Orléans", "commune", "45", "la Mairie d'Orléans"],
        ["13000548700017", "Préfecture du Loiret", "state", "45", ""],
    ]
    apply_import(run(csv_bytes(rows, header))[0])
    assert Structure.objects.get(identifier="45234").to_name == "à la Mairie d'Orléans"
    prefecture = Structure.objects.get(identifier="13000548700017")
    assert prefecture.name_in_sentence == ""
    assert prefecture.to_name == "à la Préfecture du Loiret"
    assert prefecture.of_name == "de la Préfecture du Loiret"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_name_on_two_lines_is_refused_with_row_and_column(fmt):
    header = [*HEADER[:4], "nom_dans_une_phrase", "commune"]
    rows = [
        ["45234", "Mairie\nd'Orléans", "commune", "45", "", "Orléans"],
        ["13000548700017", "Préfecture du Loiret", "state", "45", "la\r\nPréfecture", ""],
        ["45208", "Mairie de Montargis", "commune", "45", "", "Mon\u2028targis"],
    ]
    if fmt == "csv":
        rows = [[f'"{cell}"' for cell in row] for row in rows]
        content = csv_bytes(rows, header)
    else:
        content = xlsx_bytes(rows, header)
    plan, _ = run(content, f"structures.{fmt}")
    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (2, "nom", "retour à la ligne interdit : le texte doit tenir sur une ligne"),
        (
            3,
            "nom_dans_une_phrase",
            "retour à la ligne interdit : le texte doit tenir sur une ligne",
        ),
        (4, "commune", "retour à la ligne interdit : le texte doit tenir sur une ligne"),
    ]
    with pytest.raises(ImportRefused):
        apply_import(plan)
    assert not Structure.objects.exists()


def test_the_database_holds_one_council_per_departement():
    from django.db import IntegrityError, transaction

    Structure.objects.create(
        name="Département de la Mayenne",
        identifier="22410001700017",
        kind="department",
        department="53",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Structure.objects.create(
            name="Conseil départemental 53",
            identifier="22410001700025",
            kind="department",
            department="53",
        )


def test_two_councils_for_one_departement_in_a_file_are_refused_whatever_their_names():
    rows = [
        ["22410001700017", "Département de la Mayenne", "department", "53"],
        ["22410001700025", "Conseil départemental 53", "department", "53"],
    ]
    _, problems = run(csv_bytes(rows, HEADER[:4]))
    assert problems == [
        "Ligne 3, colonne « nom » (valeur « Conseil départemental 53 ») : même structure que "
        "la ligne 2 (même type et même département)"
    ]


def test_the_sp_code_is_imported_updated_and_checked():
    header = [*HEADER[:4], "code_sp", "nom_dans_une_phrase"]
    rows = [["45234", "Mairie d'Orléans", "commune", "45", "MAIRIE-45234", "la Mairie"]]
    apply_import(run(csv_bytes(rows, header))[0])
    assert Structure.objects.get(identifier="45234").sp_code == "MAIRIE-45234"
    rows[0][4:] = ["MAIRIE-2", "la Mairie d'Orléans"]
    apply_import(run(csv_bytes(rows, header))[0])
    mairie = Structure.objects.get(identifier="45234")
    # Both optional columns are written on an update, not only on a creation.
    assert (mairie.sp_code, mairie.name_in_sentence) == ("MAIRIE-2", "la Mairie d'Orléans")
    rows[0][4] = "code sp avec espaces"
    _, problems = run(csv_bytes(rows, header))
    assert problems == [
        "Ligne 2, colonne « code_sp » (valeur « code sp avec espaces ») : code Services "
        "Publics+ : 30 lettres, chiffres, - _ ou . au plus"
    ]
