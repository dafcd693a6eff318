"""The columns of the structures file (documented in docs/formats.md)."""

from barometre.structures.models import Channel, LabelKind

REQUIRED = ("identifiant", "nom", "type", "departement")

# Column name → channel of the contact points it holds; several values are separated by "|".
CONTACT_COLUMNS = {
    "telephone": Channel.PHONE,
    "courriel": Channel.EMAIL,
    "adresse_postale": Channel.MAIL,
    "site_internet": Channel.WEBSITE,
    "reseaux_sociaux": Channel.SOCIAL,
    "accueil_physique": Channel.VISIT,
    "avis_en_ligne": Channel.REVIEWS,
}

# Column name → label kind; the cell holds the date the label was obtained.
LABEL_COLUMNS = {
    "label_marianne": LabelKind.MARIANNE,
    "label_sp_bronze": LabelKind.SP_BRONZE,
    "label_sp_argent": LabelKind.SP_SILVER,
    "label_sp_or": LabelKind.SP_GOLD,
    "label_qualiville": LabelKind.QUALIVILLE,
    "label_qualepref": LabelKind.QUALEPREF,
    "label_iso9001": LabelKind.ISO9001,
}

OPTIONAL = ("nom_dans_une_phrase", "population", "commune", "code_postal", "rattachement")
OPTIONAL += ("code_sp",)
ALL_COLUMNS = REQUIRED + OPTIONAL + tuple(CONTACT_COLUMNS) + tuple(LABEL_COLUMNS)
MULTI_VALUE_SEPARATOR = "|"
