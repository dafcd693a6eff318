"""Annuaire de l'administration records, written from the DILA's field lists, in the two
shapes the Annuaire is published in: the API (nested fields JSON-encoded inside strings)
and the bulk file of data.gouv.fr (real arrays). Each record carries one edge case."""

import copy
import json

NESTED = ["pivot", "adresse", "telephone", "adresse_courriel", "site_internet"]
NESTED += ["plage_ouverture", "reseau_social", "affectation_personne"]

ORLEANS_ID = "0a6e1f0e-6c1b-4a43-9f3e-7c3f0b6f1a01"
SAINT_MARTIN_ID = "0a6e1f0e-6c1b-4a43-9f3e-7c3f0b6f1a02"
CCAS_ID = "0a6e1f0e-6c1b-4a43-9f3e-7c3f0b6f1a03"
FRANCE_SERVICES_ID = "0a6e1f0e-6c1b-4a43-9f3e-7c3f0b6f1a04"
PREFECTURE_ID = "0a6e1f0e-6c1b-4a43-9f3e-7c3f0b6f1a05"
CAF_ID = "0a6e1f0e-6c1b-4a43-9f3e-7c3f0b6f1a06"
NOUMEA_ID = "0a6e1f0e-6c1b-4a43-9f3e-7c3f0b6f1a07"
ANNEXE_ID = "0a6e1f0e-6c1b-4a43-9f3e-7c3f0b6f1a08"
HIDDEN_ID = "0a6e1f0e-6c1b-4a43-9f3e-7c3f0b6f1a09"

# A person's name, which must never reach the registry.
PERSON = "Jeanne Exemple-Personne"


def _address(kind, street, postal_code, city):
    return {
        "type_adresse": kind,
        "complement1": "",
        "complement2": "",
        "numero_voie": street,
        "service_distribution": "",
        "code_postal": postal_code,
        "nom_commune": city,
        "pays": "",
        "continent": "",
        "longitude": "1.909",
        "latitude": "47.902",
        "accessibilite": "ACC",
        "note_accessibilite": "",
    }


def _hours(first, last, start1, end1, start2="", end2="", comment=""):
    return {
        "nom_jour_debut": first,
        "nom_jour_fin": last,
        "valeur_heure_debut_1": start1,
        "valeur_heure_fin_1": end1,
        "valeur_heure_debut_2": start2,
        "valeur_heure_fin_2": end2,
        "commentaire": comment,
    }


RECORDS = [
    {  # Everything filled in; a person in affectation_personne.
        "id": ORLEANS_ID,
        "nom": "Mairie - Orléans",
        "siret": "21450234500017",
        "code_insee_commune": "45234",
        "pivot": [{"type_service_local": "mairie", "code_insee_commune": ["45234"]}],
        "adresse": [
            _address("Adresse", "1 place de l'Étape", "45000", "Orléans"),
            _address("Adresse postale", "CS 95440", "45040", "Orléans Cedex 1"),
        ],
        "telephone": [{"valeur": "02 38 79 22 22", "description": "Standard"}],
        "adresse_courriel": ["accueil@orleans.example.fr"],
        "site_internet": [{"libelle": "", "valeur": "https://www.orleans-metropole.fr"}],
        "reseau_social": [
            {"custom_social_network": "Facebook", "valeur": "https://facebook.com/orleans"}
        ],
        "plage_ouverture": [
            _hours("Lundi", "Vendredi", "08:30:00", "12:00:00", "13:30:00", "17:30:00"),
            _hours("Samedi", "Samedi", "09:00:00", "12:00:00"),
        ],
        "affectation_personne": [{"personne": {"nom": PERSON}, "fonction": "Maire"}],
        "statut_de_diffusion": "true",
        "date_modification": "12/03/2025 10:15:00",
    },
    {  # A « conseil territorial » that is also a mairie, overseas, without SIRET, and a
        # website without scheme.
        "id": SAINT_MARTIN_ID,
        "nom": "Collectivité de Saint-Martin",
        "siret": None,
        "code_insee_commune": "97801",
        "pivot": [
            {"type_service_local": "cg", "code_insee_commune": ["97801"]},
            {"type_service_local": "mairie", "code_insee_commune": ["97801"]},
        ],
        "adresse": [_address("Adresse", "Rue de l'Hôtel de la Collectivité", "97150", "Marigot")],
        "telephone": [{"valeur": "05 90 87 50 04", "description": ""}],
        "site_internet": [{"libelle": "Site", "valeur": "www.com-saint-martin.fr"}],
        "plage_ouverture": [_hours("Lundi", "Jeudi", "07:30:00", "13:00:00")],
        "statut_de_diffusion": "true",
        "date_modification_datetime": "2025-04-01T09:00:00+00:00",
    },
    {  # Several INSEE codes, a website in http.
        "id": CCAS_ID,
        "nom": "Centre communal d'action sociale (CCAS) - Orléans",
        "siret": "26450234500012",
        "code_insee_commune": "45234",
        "pivot": [{"type_service_local": "ccas", "code_insee_commune": ["45234", "45075"]}],
        "adresse": [_address("Adresse", "69 rue Bannier", "45000", "Orléans")],
        "adresse_courriel": ["ccas@orleans.example.fr", "pas-une-adresse"],
        "site_internet": [{"libelle": "", "valeur": "http://ccas.orleans.example.fr"}],
        "statut_de_diffusion": "true",
        "date_modification": "02/01/2025 08:00:00",
    },
    {  # Pivot INSEE codes different from the record's; no website (null).
        "id": FRANCE_SERVICES_ID,
        "nom": "France services - Montargis",
        "siret": "26450208700010",
        "code_insee_commune": "45208",
        "pivot": [
            {
                "type_service_local": "france_services",
                "code_insee_commune": ["45302", "45011", "45208"],
            }
        ],
        "adresse": [_address("Adresse", "2 rue du Port", "45200", "Montargis")],
        "telephone": [{"valeur": "02 38 95 10 10", "description": ""}],
        "site_internet": None,
        "plage_ouverture": [
            _hours("Mardi", "Mardi", "09:00:00", "12:00:00", "14:00:00", "17:00:00"),
        ],
        "statut_de_diffusion": "true",
        "date_modification": "15/02/2025 11:00:00",
    },
    {
        "id": PREFECTURE_ID,
        "nom": "Préfecture du Loiret",
        "siret": "13000548700017",
        "code_insee_commune": "45234",
        "pivot": [{"type_service_local": "prefecture", "code_insee_commune": ["45234"]}],
        "adresse": [_address("Adresse", "181 rue de Bourgogne", "45000", "Orléans")],
        "telephone": [{"valeur": "02 38 81 40 00", "description": "Accueil"}],
        "statut_de_diffusion": "true",
        "date_modification": "20/03/2025 16:00:00",
    },
    {  # No SIRET, not a mairie: cannot be identified.
        "id": CAF_ID,
        "nom": "Caisse d'allocations familiales (Caf) du Loiret",
        "siret": "",
        "code_insee_commune": "45234",
        "pivot": [{"type_service_local": "caf", "code_insee_commune": ["45234"]}],
        "statut_de_diffusion": "true",
    },
    {  # New Caledonia; no website field at all.
        "id": NOUMEA_ID,
        "nom": "Mairie - Nouméa",
        "siret": None,
        "code_insee_commune": "98818",
        "pivot": [{"type_service_local": "mairie", "code_insee_commune": ["98818"]}],
        "adresse": [_address("Adresse", "16 rue du Général Mangin", "98800", "Nouméa")],
        "telephone": [{"valeur": "+687 27 31 15", "description": ""}],
        "statut_de_diffusion": "true",
    },
    {  # A mairie annexe sharing the commune's SIRET.
        "id": ANNEXE_ID,
        "nom": "Mairie annexe - Orléans La Source",
        "siret": "21450234500017",
        "code_insee_commune": "45234",
        "pivot": [{"type_service_local": "mairie", "code_insee_commune": ["45234"]}],
        "statut_de_diffusion": "true",
    },
    {  # Not to be spread.
        "id": HIDDEN_ID,
        "nom": "Service non diffusé",
        "siret": "20000000000014",
        "code_insee_commune": "45234",
        "pivot": [{"type_service_local": "mdph", "code_insee_commune": ["45234"]}],
        "statut_de_diffusion": "false",
    },
]


def records(changes: dict | None = None) -> list[dict]:
    """A copy of RECORDS, with ``changes`` (record id → fields) applied."""
    result = copy.deepcopy(RECORDS)
    for record in result:
        record.update((changes or {}).get(record["id"], {}))
    return result


def _in_strings(record: dict) -> dict:
    return {
        name: json.dumps(value) if name in NESTED and value is not None else value
        for name, value in record.items()
    }


def api_bytes(items: list[dict] | None = None) -> bytes:
    """The API's /records answer: nested fields as JSON inside strings."""
    items = records() if items is None else items
    answer = {"total_count": len(items), "results": [_in_strings(r) for r in items]}
    return json.dumps(answer, ensure_ascii=False).encode()


def export_bytes(items: list[dict] | None = None) -> bytes:
    """The API's /exports/json: a bare array, nested fields as JSON inside strings."""
    items = records() if items is None else items
    return json.dumps([_in_strings(r) for r in items], ensure_ascii=False).encode()


def bulk_bytes(items: list[dict] | None = None) -> bytes:
    """The bulk file of data.gouv.fr: real arrays under « service »."""
    items = records() if items is None else items
    return json.dumps({"service": items}, ensure_ascii=False).encode()
