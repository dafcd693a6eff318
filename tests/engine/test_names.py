"""Person names in free text are masked by the recogniser (Presidio, spaCy's French model
and the rules), places and structures stay; measured on the frozen corpus."""

import pytest

from barometre.engine import find_personal_data, mask_names
from tests.privacy_corpus import load, measure

# The model takes a few seconds to load: `-m "not slow"` leaves these out of a quick loop.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("… Rappelez-moi. Jeanne Martin", "… Rappelez-moi. [nom masqué]"),
        ("Signé : Paul DUPONT", "Signé : [nom masqué]"),
        ("Cordialement,\nMarie-Claude PETITJEAN", "Cordialement,\n[nom masqué]"),
        ("Merci à Kevin pour son accueil.", "Merci à [nom masqué] pour son accueil."),
        (
            "Reçu à la Mairie d'Orléans puis à la Préfecture du Loiret.",
            "Reçu à la Mairie d'Orléans puis à la Préfecture du Loiret.",
        ),
        (
            "J'habite rue Jeanne d'Arc, près du CCAS de Saumur, à Saint-Denis-en-Val.",
            "J'habite rue Jeanne d'Arc, près du CCAS de Saumur, à Saint-Denis-en-Val.",
        ),
        # The rules are kept: e-mail, phone, street address, civility.
        (
            "Écrire à jean.dupont@mairie-metz.fr ou au 03 87 55 12 34, 12 rue des Lilas.",
            "Écrire à [courriel masqué] ou au [téléphone masqué], [adresse masquée].",
        ),
        ("reçu par Mme Le Goff à l'accueil", "reçu par Mme [nom masqué] à l'accueil"),
        (
            "ouvert de 8 h 30 à 12 h, le 12/05/2025, 57000 Metz, 25 €",
            "ouvert de 8 h 30 à 12 h, le 12/05/2025, 57000 Metz, 25 €",
        ),
        # A comment of one word is not a signature.
        ("Parfait", "Parfait"),
        # A common noun the model calls a person is not one.
        ("Parking trop petit", "Parking trop petit"),
        ("Rappel promis par Mme Durand", "Rappel promis par Mme [nom masqué]"),
        ("Un QR code envoie les réclamations.", "Un QR code envoie les réclamations."),
        ("Très long. Super !", "Très long. Super !"),
        ("", ""),
    ],
)
def test_names_are_masked_and_places_stay(text, expected):
    assert mask_names(text) == expected


def test_masking_twice_changes_nothing_more():
    once = mask_names("Signé : Paul DUPONT, 06 12 34 56 78")
    assert mask_names(once) == once


def test_the_held_out_half_meets_its_targets():
    """Measured on the half of the corpus that tuning never read (docs/operations.md)."""
    result = measure(load("held-out"), find_personal_data)
    assert result.recall >= 0.95, result.missed
    assert result.false_mask_rate <= 0.05, result.wrongly_masked


def test_a_missing_model_is_refused_not_downloaded(monkeypatch):
    import spacy

    from barometre.engine import names

    def no_download(*args, **kwargs):
        raise AssertionError("nothing is downloaded at run time")

    monkeypatch.setattr(spacy.util, "is_package", lambda name: False)
    monkeypatch.setattr(spacy.cli, "download", no_download)
    with pytest.raises(names.ModelMissing, match="fr_core_news_sm"):
        names._build()
