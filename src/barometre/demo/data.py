"""A realistic demo registry: structures of every type (including Alsace-Moselle and
overseas ones) and one user per role. Deterministic and idempotent.

Communes use their real INSEE codes; other bodies get fictitious SIRETs with a valid key.
"""

import datetime as dt
import hashlib
import random
import unicodedata

from django.db import transaction

from barometre.accounts.models import Membership, Role, User
from barometre.demo.places import PHONE_PREFIX, REGIONS, TOWNS, population
from barometre.engine import after, department_in_sentence
from barometre.structures.models import ContactPoint, Label, Structure, territory_keys

DEMO_PASSWORD = "Barometre-demo-2025"  # noqa: S105 - printed to the demo user on purpose


def fictitious_siret(seed: str) -> str:
    """A 14-digit number whose Luhn key is valid, derived from ``seed``."""
    digits = str(int(hashlib.sha256(seed.encode()).hexdigest(), 16))[:13]
    for last in range(10):
        candidate = digits + str(last)
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable: one of ten keys is always valid")


# name, identifier (INSEE code or None for a SIRET), kind, population, département, city
STRUCTURES = [
    ("Préfecture du Loiret", None, "state", None, "45", "Orléans"),
    ("Sous-préfecture de Montargis", None, "state", None, "45", "Montargis"),
    ("Sous-préfecture de Pithiviers", None, "state", None, "45", "Pithiviers"),
    ("Département de Loir-et-Cher", None, "department", 329_000, "41", "Blois"),
    ("Département de la Mayenne", None, "department", 307_000, "53", "Laval"),
    ("Département de la Haute-Garonne", None, "department", 1_435_000, "31", "Toulouse"),
    ("Région Grand Est", None, "region", 5_560_000, "67", "Strasbourg"),
    ("Région Hauts-de-France", None, "region", 5_980_000, "59", "Lille"),
    ("Région Occitanie", None, "region", 6_050_000, "31", "Toulouse"),
    ("Ville de Strasbourg", "67482", "commune", population("67", "Strasbourg"), "67", "Strasbourg"),
    (
        "Ville de Villeurbanne",
        "69266",
        "commune",
        population("69", "Villeurbanne"),
        "69",
        "Villeurbanne",
    ),
    ("Ville de Metz", "57463", "commune", population("57", "Metz"), "57", "Metz"),
    (
        "Ville de Bourg-en-Bresse",
        "01053",
        "commune",
        population("01", "Bourg-en-Bresse"),
        "01",
        "Bourg-en-Bresse",
    ),
    (
        "Ville des Sables-d'Olonne",
        "85194",
        "commune",
        population("85", "Les Sables-d'Olonne"),
        "85",
        "Les Sables-d'Olonne",
    ),
    ("Ville de Guérande", "44069", "commune", population("44", "Guérande"), "44", "Guérande"),
    (
        "Ville de Pagny-sur-Moselle",
        "54415",
        "commune",
        population("54", "Pagny-sur-Moselle"),
        "54",
        "Pagny-sur-Moselle",
    ),
    (
        "Ville de Saint-Denis",
        "97411",
        "commune",
        population("974", "Saint-Denis"),
        "974",
        "Saint-Denis",
    ),
    (
        "Ville de Fort-de-France",
        "97209",
        "commune",
        population("972", "Fort-de-France"),
        "972",
        "Fort-de-France",
    ),
    (
        "SICOVAL, communauté d'agglomération du sud-est toulousain",
        None,
        "intercommunality",
        80_000,
        "31",
        "Labège",
    ),
    (
        "CapAtlantique La Baule-Guérande Agglo",
        None,
        "intercommunality",
        76_000,
        "44",
        "La Baule-Escoublac",
    ),
    ("Grand Besançon Métropole", None, "intercommunality", 200_000, "25", "Besançon"),
    ("France Services de Viverols", None, "france_services", None, "63", "Viverols"),
    ("France Services de Pithiviers", None, "france_services", None, "45", "Pithiviers"),
    ("CCAS de Saumur", None, "social", None, "49", "Saumur"),
    (
        "Maison départementale des solidarités des Graves",
        None,
        "social",
        None,
        "33",
        "Villenave-d'Ornon",
    ),
    ("Centre hospitalier de Blois", None, "hospital", None, "41", "Blois"),
    ("Office de tourisme et de thermalisme du Grand Dax", None, "economic", None, "40", "Dax"),
    ("Maison de ma Région de Montauban", None, "economic", None, "82", "Montauban"),
    ("Médiathèque de Guérande", None, "culture", None, "44", "Guérande"),
    ("Direction départementale des territoires du Loiret", None, "state", None, "45", "Orléans"),
    ("CCI du Loiret", None, "other", None, "45", "Orléans"),
]

HAND_WRITTEN = {(name, insee) for name, insee, *_ in STRUCTURES}

PARENTS = {
    "Sous-préfecture de Montargis": "Préfecture du Loiret",
    "Sous-préfecture de Pithiviers": "Préfecture du Loiret",
    "Médiathèque de Guérande": "Ville de Guérande",
    "Maison de ma Région de Montauban": "Région Occitanie",
}

LABELS = {
    "Préfecture du Loiret": [
        ("qualepref", dt.date(2022, 6, 15), dt.date(2025, 6, 15)),
        ("marianne", dt.date(2016, 3, 1), None),
    ],
    "Ville de Villeurbanne": [
        ("qualiville", dt.date(2012, 5, 1), None),
        ("marianne", dt.date(2016, 9, 1), dt.date(2027, 9, 1)),
    ],
    "Département de Loir-et-Cher": [("iso9001", dt.date(2024, 2, 1), dt.date(2027, 2, 1))],
    "Ville de Strasbourg": [("sp_silver", dt.date(2023, 11, 20), dt.date(2026, 11, 20))],
    "Département de la Mayenne": [("sp_bronze", dt.date(2024, 4, 10), dt.date(2027, 4, 10))],
}

USERS = [
    # username, first name, last name, role, structure name
    ("operateur", "Olivia", "Opératrice", Role.OPERATOR, None),
    ("enqueteur", "Élie", "Enquêteur", Role.AUDITOR, None),
    ("qualite", "Magali", "Qualité", Role.MANAGER, "Préfecture du Loiret"),
    ("agent", "Antoine", "Accueil", Role.AGENT, "Préfecture du Loiret"),
    ("comite", "Claire", "Comité", Role.VIEWER, "Préfecture du Loiret"),
    ("qualite-strasbourg", "Sophie", "Strasbourg", Role.MANAGER, "Ville de Strasbourg"),
]


# The first line of a structure's postal address (a town hall's is on the town hall's
# square; a préfecture has no « place de la Mairie »).
POSTAL = {
    "commune": "Hôtel de ville, 1 place de la Mairie",
    "department": "Hôtel du Département, service accueil",
    "region": "Hôtel de Région, service relation usagers",
    "state": "Accueil général, service du courrier",
}


def _of(place: str) -> str:
    return after("de", place)


def national_registry() -> list[tuple]:
    """About 290 more structures over every trophy category and département, in the
    proportions of the national barometer (half of them communes), deterministic. None
    duplicates another: not the same kind and name in a département, nor a second council
    or region for a département (the registry would refuse it)."""
    rng = random.Random(2025)
    taken = {
        key
        for name, _, kind, _, department, _ in STRUCTURES
        for key in territory_keys(kind, department, name)
    }
    rows = []

    def add(name, kind, population, department, city):
        keys = set(territory_keys(kind, department, name))
        if not taken & keys:
            taken.update(keys)
            rows.append((name, None, kind, population, department, city))

    codes = list(TOWNS)
    for code in codes:  # every chef-lieu, with its legal population
        town = TOWNS[code][0]
        add(f"Ville {_of(town)}", "commune", population(code, town), code, town)
    for code in codes[::2]:  # a second town in one département out of two
        town = TOWNS[code][1]
        add(f"Ville {_of(town)}", "commune", population(code, town), code, town)
    for code in codes[1::4]:
        add(
            f"Département {_of(department_in_sentence(code))}",
            "department",
            int(rng.lognormvariate(13, 0.6)),
            code,
            TOWNS[code][0],
        )
    for name, seat, code in REGIONS:
        add(name, "region", int(rng.lognormvariate(15, 0.4)), code, seat)
    for code in codes[3::2][:40]:
        add(
            f"Communauté d'agglomération {_of(TOWNS[code][1])}",
            "intercommunality",
            int(rng.lognormvariate(11.5, 0.5)),
            code,
            TOWNS[code][1],
        )
    for code in codes[2::3][:30]:
        add(f"France Services {_of(TOWNS[code][1])}", "france_services", None, code, TOWNS[code][1])
    for code in codes[::5]:
        add(f"CCAS {_of(TOWNS[code][0])}", "social", None, code, TOWNS[code][0])
    for code in codes[4::20]:
        add(f"Centre hospitalier {_of(TOWNS[code][1])}", "hospital", None, code, TOWNS[code][1])
    for code in codes[1::9]:
        add(f"Office de tourisme {_of(TOWNS[code][1])}", "economic", None, code, TOWNS[code][1])
    for code in codes[2::6]:
        add(f"Préfecture {_of(department_in_sentence(code))}", "state", None, code, TOWNS[code][0])
    return rows


def phone_number(name: str, department: str) -> str:
    """A fictitious number in the numbering zone of the département, stable per name."""
    digits = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    prefix = PHONE_PREFIX.get(department, "09")
    pairs = [f"{10 + (digits >> (8 * i)) % 90:02d}" for i in range(4 - prefix.count(" "))]
    return " ".join([prefix, *pairs])


def _certify(rng: random.Random) -> None:
    """About one structure in five holds a quality label, as in the national barometer."""
    kinds = ["marianne", "sp_bronze", "sp_silver", "qualiville", "iso9001", "sp_gold"]
    generated = Structure.objects.exclude(name__in=[n for n, *_ in STRUCTURES]).order_by("pk")
    for structure in generated:
        if rng.random() < 0.2:
            obtained = dt.date(2021 + rng.randrange(4), 1 + rng.randrange(12), 1)
            Label.objects.get_or_create(
                structure=structure,
                kind=rng.choice(kinds),
                defaults={
                    "obtained_on": obtained,
                    "expires_on": obtained.replace(year=obtained.year + 3),
                    "status": Label.Status.CONFIRMED,
                },
            )


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_name.lower() if c.isalnum())[:20]


@transaction.atomic
def load_demo_data(*, national: bool = True) -> list[tuple[str, str]]:
    """Create (or refresh) the demo registry and users; returns (username, role label).
    ``national`` adds the ~290 structures of the national demo edition."""
    by_name: dict[str, Structure] = {}
    existing = set(Structure.objects.values_list("identifier", flat=True))
    generated = national_registry() if national else []
    for name, insee, kind, inhabitants, department, city in STRUCTURES + generated:
        identifier = insee or fictitious_siret(name)
        if identifier in existing and (name, insee) not in HAND_WRITTEN:
            continue  # a generated structure already there: nothing to refresh
        structure, _ = Structure.objects.update_or_create(
            identifier=identifier,
            defaults={
                "name": name,
                "kind": kind,
                "population": inhabitants,
                "department": department,
                "city": city,
            },
        )
        by_name[name] = structure
        slug = _slug(city)
        contacts = [
            ("phone", phone_number(name, department)),
            ("email", f"accueil@{slug}.example.fr"),
            ("mail", f"{POSTAL.get(kind, 'Service accueil')}, {city}"),
            ("website", f"https://www.{slug}.example.fr"),
            ("visit", f"Accueil principal, {city}"),
        ]
        if kind in {"commune", "department", "region", "intercommunality"}:
            contacts += [
                ("social", f"https://facebook.com/{slug}"),
                ("reviews", f"Fiche d'établissement « {name} »"),
            ]
        for channel, value in contacts:
            ContactPoint.objects.get_or_create(structure=structure, channel=channel, value=value)
    _certify(rng=random.Random(7))
    for child, parent in PARENTS.items():
        Structure.objects.filter(pk=by_name[child].pk).update(parent=by_name[parent])
    for name, labels in LABELS.items():
        for kind, obtained, expires in labels:
            Label.objects.update_or_create(
                structure=by_name[name],
                kind=kind,
                defaults={
                    "obtained_on": obtained,
                    "expires_on": expires,
                    "status": Label.Status.CONFIRMED,
                },
            )
    logins = []
    for username, first, last, role, structure_name in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.example.fr",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        structure = by_name.get(structure_name) if structure_name else None
        Membership.objects.get_or_create(user=user, role=role, structure=structure)
        if role == Role.OPERATOR and not user.is_staff:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        where = f" ({structure_name})" if structure_name else ""
        logins.append((username, f"{role.label}{where}"))
    return logins
