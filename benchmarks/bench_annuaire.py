"""Benchmark of the Annuaire import (not a test): 5,000 generated Annuaire records, in the
API's shape (nested fields as JSON inside strings), read, checked and written by
``barometre import-annuaire`` with its progress bar; then the same file again (nothing
to write).

Runs on a throw-away SQLite database (or the PostgreSQL database of ``--database-url``).

    make bench-annuaire
    python benchmarks/bench_annuaire.py --records 1000   # quick run
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

TYPES = ["mairie", "mairie", "mairie", "ccas", "france_services", "caf", "cpam", "mdph"]
DAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"]


def siret(n: int) -> str:
    """A SIRET passing the Luhn key: 13 digits from ``n``, then the key digit."""
    base = f"2{n:012d}"
    for key in "0123456789":
        digits = base + key
        total = sum(
            (v * 2 - 9 if v * 2 > 9 else v * 2) if i % 2 else v
            for i, v in enumerate(int(c) for c in reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError


def record(n: int, departments: list[str]) -> dict:
    department = departments[n % len(departments)]
    insee = department + f"{n // len(departments) + 1:0{5 - len(department)}d}"
    kind = TYPES[n % len(TYPES)]
    nested = {
        "pivot": [{"type_service_local": kind, "code_insee_commune": [insee]}],
        "adresse": [
            {
                "type_adresse": "Adresse",
                "numero_voie": f"{n} rue de la Mairie",
                "code_postal": insee,
                "nom_commune": f"Commune {insee}",
            }
        ],
        "telephone": [{"valeur": f"02 38 {n % 100:02d} {n // 100 % 100:02d} 00"}],
        "adresse_courriel": [f"accueil{n}@example.fr"],
        "site_internet": [{"libelle": "", "valeur": f"https://www.commune-{n}.example.fr"}],
        "plage_ouverture": [
            {
                "nom_jour_debut": DAYS[0],
                "nom_jour_fin": DAYS[n % 5],
                "valeur_heure_debut_1": "09:00:00",
                "valeur_heure_fin_1": "12:00:00",
                "valeur_heure_debut_2": "14:00:00",
                "valeur_heure_fin_2": "17:00:00",
            }
        ],
        "affectation_personne": [{"personne": {"nom": f"Personne {n}"}}],
    }
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "nom": f"{kind.replace('_', ' ').title()} - {insee} n° {n}",
        "siret": siret(n) if kind != "mairie" or n % 2 else None,
        "code_insee_commune": insee,
        "statut_de_diffusion": "true",
        "date_modification": "01/03/2025 10:00:00",
        **{name: json.dumps(value) for name, value in nested.items()},
    }


def setup(data_dir: str, database_url: str | None) -> None:
    os.environ.update(
        {
            "BAROMETRE_DEBUG": "true",
            "BAROMETRE_DATA_DIR": data_dir,
            "DATABASE_URL": database_url or f"sqlite:///{data_dir}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
            "BAROMETRE_IMPORT_MAX_BYTES": str(200 * 1024 * 1024),
        }
    )
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup(data_dir, args.database_url)
        run(args.records, Path(data_dir))


def run(n: int, data_dir: Path) -> None:
    from django.core.management import call_command

    from barometre.engine import DEPARTMENTS
    from barometre.structures.models import ContactPoint, Structure

    departments = sorted(DEPARTMENTS)
    path = data_dir / "annuaire.json"
    items = [record(i, departments) for i in range(n)]
    path.write_text(json.dumps({"total_count": n, "results": items}), encoding="utf-8")
    size = path.stat().st_size / 1024 / 1024
    print(f"{n} fiches, {size:.1f} Mo (forme de l'API, champs imbriqués en chaînes)")
    for label, options in (
        ("vérification", []),
        ("import (--commit)", ["--commit"]),
        ("réimport (inchangé)", ["--commit"]),
    ):
        start = time.perf_counter()
        # The report and the progress bar (shown when the output is a terminal).
        call_command("import_annuaire", str(path), *options, stdout=sys.stdout)
        print(f"{label} : {time.perf_counter() - start:.1f} s")
    print(
        f"{Structure.objects.count()} structures, {ContactPoint.objects.count()} points de contact"
    )


if __name__ == "__main__":
    main()
