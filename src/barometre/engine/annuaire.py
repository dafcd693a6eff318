"""Reading the Annuaire de l'administration (DILA, Licence Ouverte 2.0).

Two shapes of the same records are read alike:

- the API's ``/records`` answer ``{"total_count": N, "results": [...]}`` and its
  ``/exports/json`` bare array, where the nested fields (``pivot``, ``adresse``,
  ``telephone``…) are JSON encoded inside strings;
- the bulk file of data.gouv.fr (``{"service": [...]}`` or a bare array), where they are
  real arrays.

Each record becomes an ``AnnuaireRecord``: its stable ``id``, the fields a structure
needs, its contact points per channel and its opening hours, and the notes that say which
documented rule applied (docs/formats.md, « Annuaire de l'administration »). Personal
data (``affectation_personne``) is never read. A record that cannot be read is a
``InputProblem`` naming its position in the file, its field and the reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from barometre.engine.errors import InputProblem
from barometre.engine.french import plural
from barometre.engine.tables import DEFAULT_MAX_ROWS, TableError, size_label
from barometre.engine.territory import department_of_commune

PARIS = ZoneInfo("Europe/Paris")
ATTRIBUTION = "Service-Public.gouv.fr / DILA"
LICENCE = "Licence Ouverte 2.0"

# The kinds of office, most specific first: a record with several pivots (a « conseil
# territorial » that is also a mairie) takes the first of these it holds.
PIVOT_PRECEDENCE = (
    "mairie",
    "prefecture",
    "sous_pref",
    "cr",
    "cg",
    "epci",
    "france_services",
    "ccas",
    "caf",
    "cpam",
    "mdph",
    "sdis",
)
NESTED = (
    "pivot",
    "adresse",
    "telephone",
    "adresse_courriel",
    "site_internet",
    "plage_ouverture",
    "reseau_social",
)
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HOST = re.compile(
    r"^[a-z0-9]([a-z0-9\-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9\-]*[a-z0-9])?)+(:\d+)?(/|$)"
)


@dataclass(frozen=True)
class Contact:
    channel: str  # the Channel codes of structures: phone, email, website, social, visit, mail
    value: str
    label: str = ""


@dataclass
class AnnuaireRecord:
    number: int  # position in the file, from 1
    id: str
    name: str
    siret: str
    insee: str
    department: str | None
    service_types: list[str]  # every pivot's type, in the record's order
    service_type: str  # the one retained (see ``choose_type``)
    city: str = ""
    postal_code: str = ""
    contacts: list[Contact] = field(default_factory=list)
    hours: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    modified: dt.datetime | None = None
    published: bool = True  # statut_de_diffusion: "false" asks not to spread the record
    notes: list[str] = field(default_factory=list)


@dataclass
class Annuaire:
    records: list[AnnuaireRecord] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    shape: str = ""  # "api" (nested fields in strings) or "bulk" (real arrays)

    @property
    def last_modified(self) -> dt.datetime | None:
        dates = [r.modified for r in self.records if r.modified]
        return max(dates) if dates else None


def read_annuaire(
    content: bytes, *, max_bytes: int, max_records: int = DEFAULT_MAX_ROWS
) -> Annuaire:
    """Every record of an Annuaire file; raises TableError when the file is no Annuaire."""
    if not content.strip():
        raise TableError("le fichier est vide")
    if len(content) > max_bytes:
        raise TableError(
            f"fichier de {size_label(len(content))}, {size_label(max_bytes)} au plus : "
            "téléchargez les fiches d'un seul département (voir le guide)"
        )
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise TableError(f"ce n'est pas un fichier JSON de l'Annuaire lisible : {exc}") from None
    if isinstance(data, dict):
        data = data.get("results", data.get("service"))
    if not isinstance(data, list):
        raise TableError(
            "ce JSON n'a ni liste de fiches, ni clé « results » (API), ni clé « service » "
            "(fichier complet de data.gouv.fr)"
        )
    if len(data) > max_records:
        raise TableError(f"{len(data)} fiches, {max_records} au plus par import")
    annuaire = Annuaire()
    in_strings = 0
    for number, raw in enumerate(data, start=1):
        if not isinstance(raw, dict):
            annuaire.problems.append(
                InputProblem(number, None, "", "la fiche n'est pas un objet JSON")
            )
            continue
        in_strings += any(isinstance(raw.get(name), str) for name in NESTED)
        record = _record(number, raw, annuaire.problems)
        if record is not None:
            annuaire.records.append(record)
    annuaire.shape = "api" if in_strings else "bulk"
    return annuaire


def choose_type(types: list[str], wanted: set[str] | None = None) -> str:
    """The retained type of a record: among its types (those ``wanted`` when given), the
    first in PIVOT_PRECEDENCE, else the first in the record's order; "" when none."""
    candidates = [t for t in types if not wanted or t in wanted]
    for known in PIVOT_PRECEDENCE:
        if known in candidates:
            return known
    return candidates[0] if candidates else ""


def _nested(
    raw: dict[str, object], name: str, number: int, problems: list[InputProblem]
) -> list[object]:
    """A nested field as a list, whether it came as a list or as JSON inside a string."""
    value = raw.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        if name == "adresse_courriel" and not value.lstrip().startswith("["):
            return [value]
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            problems.append(InputProblem(number, name, value[:80], "JSON illisible dans ce champ"))
            return []
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _insee_codes(
    value: object, number: int, within: str, problems: list[InputProblem]
) -> list[str]:
    """The INSEE codes of a ``code_insee_commune`` field: a text, a number (the zero on
    the left that a number loses is put back: 1053 → 01053), or a list of them. Anything
    else is a problem naming the record and the field, and is left out."""
    field = f"{within}.code_insee_commune" if within else "code_insee_commune"
    codes = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, float) and item.is_integer():
            item = int(item)
        if isinstance(item, int) and not isinstance(item, bool) and 0 < item < 100_000:
            codes.append(f"{item:05d}")
        elif isinstance(item, str):
            if item.strip():
                codes.append(item.strip())
        elif item is not None:
            problems.append(
                InputProblem(number, field, str(item)[:80], "code INSEE attendu (texte ou nombre)")
            )
    return codes


def _record(
    number: int, raw: dict[str, object], problems: list[InputProblem]
) -> AnnuaireRecord | None:
    record_id = _text(raw.get("id"))
    if not record_id:
        problems.append(InputProblem(number, "id", "", "fiche sans identifiant « id »"))
        return None
    name = _text(raw.get("nom"))
    one_line = " ".join(name.split())  # a name holds on one line (it goes into e-mail subjects)
    notes: list[str] = []
    if one_line != name and len(name.splitlines()) > 1:
        notes.append("retour à la ligne dans le nom remplacé par une espace")
    name = one_line
    if not name:
        problems.append(InputProblem(number, "nom", "", "fiche sans nom"))
        return None
    pivots = [p for p in _nested(raw, "pivot", number, problems) if isinstance(p, dict)]
    types = [_text(p.get("type_service_local")) for p in pivots if p.get("type_service_local")]
    pivot_codes = [
        code
        for p in pivots
        for code in _insee_codes(p.get("code_insee_commune"), number, "pivot", problems)
    ]
    record_codes = _insee_codes(raw.get("code_insee_commune"), number, "", problems)
    insee = record_codes[0] if record_codes else ""
    if len(record_codes) > 1:
        notes.append(f"plusieurs codes INSEE ({', '.join(record_codes)}) : le premier est retenu")
    if not insee and pivot_codes:
        insee = pivot_codes[0]
        notes.append(f"pas de code INSEE sur la fiche : celui du pivot ({insee}) est retenu")
    others = sorted(set(pivot_codes) - {insee})
    if others:
        shown = ", ".join(others[:5]) + ("…" if len(others) > 5 else "")
        notes.append(
            f"compétente aussi pour {len(others)} autre{plural(len(others))} "
            f"commune{plural(len(others))} ({shown}) : "
            f"la commune du guichet ({insee}) est retenue"
        )
    record = AnnuaireRecord(
        number=number,
        id=record_id,
        name=name[:200],
        siret=re.sub(r"\D", "", _text(raw.get("siret"))),
        insee=insee,
        department=department_of_commune(insee) if insee else None,
        service_types=types,
        service_type=choose_type(types),
        modified=_modified(raw),
        published=_text(raw.get("statut_de_diffusion")).lower() != "false",
        notes=notes,
    )
    if len(set(types)) > 1:
        notes.append(f"plusieurs types ({', '.join(types)}) : « {record.service_type} » retenu")
    _addresses(record, _nested(raw, "adresse", number, problems))
    _phones(record, _nested(raw, "telephone", number, problems))
    _emails(record, _nested(raw, "adresse_courriel", number, problems))
    _websites(record, _nested(raw, "site_internet", number, problems))
    for item in _nested(raw, "reseau_social", number, problems):
        value = _text(item.get("valeur")) if isinstance(item, dict) else _text(item)
        if value:
            label = _text(item.get("custom_social_network")) if isinstance(item, dict) else ""
            record.contacts.append(Contact("social", value[:300], label[:120]))
    record.hours = _hours(record, _nested(raw, "plage_ouverture", number, problems))
    return record


def _modified(raw: dict[str, object]) -> dt.datetime | None:
    """When the record was last modified, in Paris time (the DILA's ``date_modification``
    is written in it; ``date_modification_datetime`` carries its offset)."""
    iso = _text(raw.get("date_modification_datetime"))
    if iso:
        try:
            moment = dt.datetime.fromisoformat(iso)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment.astimezone(PARIS).replace(tzinfo=None)
        if moment is not None:
            return moment
    try:
        return dt.datetime.strptime(_text(raw.get("date_modification")), "%d/%m/%Y %H:%M:%S")
    except ValueError:
        return None


def _addresses(record: AnnuaireRecord, addresses: list[object]) -> None:
    """The visit address gives the commune and postal code; a postal address is the
    « courrier » channel. Without a visit address, the postal one gives the commune."""
    for address in addresses:
        if not isinstance(address, dict):
            continue
        street = " ".join(
            _text(address.get(k)) for k in ("numero_voie", "complement1", "complement2")
        ).strip()
        postal_code = _text(address.get("code_postal"))
        city = " ".join(_text(address.get("nom_commune")).split())
        text = ", ".join(part for part in (street, f"{postal_code} {city}".strip()) if part)
        if not text:
            continue
        postal = "postal" in _text(address.get("type_adresse")).lower()
        record.contacts.append(Contact("mail" if postal else "visit", text[:300]))
        if not postal or not record.city:
            record.city, record.postal_code = city[:120], postal_code[:5]


def _phones(record: AnnuaireRecord, phones: list[object]) -> None:
    for phone in phones:
        value = _text(phone.get("valeur")) if isinstance(phone, dict) else _text(phone)
        label = _text(phone.get("description")) if isinstance(phone, dict) else ""
        if re.fullmatch(r"[+\d][\d .()\-]*", value) and len(re.sub(r"\D", "", value)) >= 4:
            record.contacts.append(Contact("phone", value, label[:120]))
        elif value:
            record.notes.append(f"numéro de téléphone illisible ignoré : {value[:40]}")


def _emails(record: AnnuaireRecord, emails: list[object]) -> None:
    for email in emails:
        value = _text(email.get("valeur")) if isinstance(email, dict) else _text(email)
        if _EMAIL.match(value) and len(value) <= 254:
            record.contacts.append(Contact("email", value))
        elif value:
            record.notes.append(f"adresse électronique invalide ignorée : {value[:60]}")


def _websites(record: AnnuaireRecord, sites: list[object]) -> None:
    """A site without scheme gets https:// (every public site must be served over HTTPS);
    an http:// address is kept as the Annuaire gives it, and said; no site is said too."""
    for site in sites:
        value = _text(site.get("valeur")) if isinstance(site, dict) else _text(site)
        label = _text(site.get("libelle")) if isinstance(site, dict) else ""
        if not value:
            continue
        lowered = value.lower()
        if lowered.startswith("http://"):
            record.notes.append(f"site en http conservé tel quel : {value[:80]}")
        elif not lowered.startswith("https://"):
            if not _HOST.match(lowered):
                record.notes.append(f"adresse de site illisible ignorée : {value[:80]}")
                continue
            value = "https://" + value
            record.notes.append(f"site sans protocole : https:// ajouté ({value[:80]})")
        record.contacts.append(Contact("website", value[:300], label[:120]))
    if not any(c.channel == "website" for c in record.contacts):
        record.notes.append("pas de site internet : ce canal reste tel qu'il est au registre")


def _time(value: object) -> str | None:
    match = _TIME.match(_text(value))
    if not match or int(match[1]) > 24 or int(match[2]) > 59:
        return None
    return f"{int(match[1]):02d}:{match[2]}"


def _hours(record: AnnuaireRecord, ranges: list[object]) -> dict[int, list[tuple[str, str]]]:
    """Opening hours by weekday (0 = Monday): each range covers its days from
    ``nom_jour_debut`` to ``nom_jour_fin`` with up to two slots."""
    hours: dict[int, list[tuple[str, str]]] = {}
    for item in ranges:
        if not isinstance(item, dict):
            continue
        first = _text(item.get("nom_jour_debut")).lower()
        last = _text(item.get("nom_jour_fin")).lower() or first
        if first not in DAYS or last not in DAYS:
            record.notes.append(f"jours d'ouverture illisibles ignorés : {first}–{last}")
            continue
        slots = []
        for n in (1, 2):
            start = _time(item.get(f"valeur_heure_debut_{n}"))
            end = _time(item.get(f"valeur_heure_fin_{n}"))
            if start and end and start < end:
                slots.append((start, end))
        for day in range(DAYS.index(first), DAYS.index(last) + 1):
            hours.setdefault(day, [])
            hours[day] = sorted(set(hours[day]) | set(slots))
    return {day: slots for day, slots in sorted(hours.items()) if slots}
