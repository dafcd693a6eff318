"""Personal data typed in free text is masked before anyone reads it."""

import pytest

from barometre.engine import mask_personal_data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("écrire à jean.dupont+x@mairie-metz.fr svp", "écrire à [courriel masqué] svp"),
        ("rappelez le 03 87 55 12 34 demain", "rappelez le [téléphone masqué] demain"),
        ("tél. 03.87.55.12.34", "tél. [téléphone masqué]"),
        ("portable +33 6 12 34 56 78.", "portable [téléphone masqué]."),
        ("0033612345678", "[téléphone masqué]"),
        ("reçu par Mme Le Goff à l'accueil", "reçu par Mme [nom masqué] à l'accueil"),
        ("Monsieur Jean Martin a répondu", "Monsieur [nom masqué] a répondu"),
        ("M. Dupont, très aimable", "M. [nom masqué], très aimable"),
        ("j'habite 12 rue des Lilas à Metz", "j'habite [adresse masquée] à Metz"),
        ("au 3 bis, avenue de la Gare Saint-Charles.", "au [adresse masquée]."),
        ("8 Place Jean Moulin, 57000 Metz", "[adresse masquée], 57000 Metz"),
        ("25 places de parking, 2 routes barrées", "25 places de parking, 2 routes barrées"),
        # What is not personal stays: dates, amounts, opening hours, postcodes.
        (
            "ouvert de 8 h 30 à 12 h, le 12/05/2025, 57000 Metz, 25 €",
            "ouvert de 8 h 30 à 12 h, le 12/05/2025, 57000 Metz, 25 €",
        ),
        ("", ""),
    ],
)
def test_masking(text, expected):
    assert mask_personal_data(text) == expected
