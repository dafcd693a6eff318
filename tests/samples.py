"""Synthetic computed results, written straight to the database: for the report
benchmark (benchmarks/bench_reports.py) and for tests that need editions of any size
without running fieldwork. Scores are random but shaped like real ones (every channel,
stage, determinant and scored criterion of the grid, two categories, ranks and
intervals)."""

import random

from barometre.campaigns.models import Edition
from barometre.results.models import ResultSet, StructureResult
from barometre.structures.models import Structure


def sample_edition(*, by, name: str = "Baromètre 2025 (banc d'essai)") -> Edition:
    """A national 2025 edition on the shipped grid, for benchmarks."""
    import datetime as dt

    from barometre.campaigns.lifecycle import create_edition
    from barometre.campaigns.models import GridVersion
    from barometre.engine.grid import DATA_DIR

    text = (DATA_DIR / "barometre-2025.yaml").read_text()
    grid, _ = GridVersion.objects.get_or_create(
        grid_id="barometre-2025", version=1, defaults={"yaml": text}
    )
    return create_edition(
        year=2025,
        name=name,
        grid=grid,
        enrolment_opens=dt.date(2025, 1, 6),
        enrolment_closes=dt.date(2025, 4, 30),
        fieldwork_starts=dt.date(2025, 5, 5),
        fieldwork_ends=dt.date(2025, 7, 25),
        by=by,
    )


def fabricate_result_set(
    edition: Edition, n: int, *, by, published: bool = True, seed: int | None = None
) -> ResultSet:
    grid = edition.grid
    parsed = grid.parsed()
    rng = random.Random(n if seed is None else seed)
    channels = parsed.channel_ids
    version = (
        edition.result_sets.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    result_set = ResultSet.objects.create(
        edition=edition,
        version=version,
        grid=grid,
        requested_by=by,
        status="ready",
        published_at="2025-10-01T10:00Z" if published else None,
    )
    first = Structure.objects.count()
    Structure.objects.bulk_create(
        Structure(
            identifier=f"{90000 + first + i:05d}",
            name=f"Commune fictive {first + i}",
            kind="commune",
            department="45",
        )
        for i in range(n)
    )
    structures = list(Structure.objects.order_by("pk")[first:])
    rows = []
    for i, structure in enumerate(structures):
        score = rng.uniform(40, 90)
        rows.append(
            StructureResult(
                result_set=result_set,
                structure=structure,
                category="Communes A" if i % 2 else "Communes B",
                score=score,
                score_low=score - 4,
                score_high=score + 4,
                audits=14,
                coverage=1,
                eligible=True,
                rank=i // 2 + 1,
                rank_low=max(1, i // 2 - 1),
                rank_high=i // 2 + 3,
                details={
                    "channels": {c: rng.uniform(30, 95) for c in channels},
                    "channel_audits": {c: 2 for c in channels},
                    "stages": {s.id: rng.uniform(30, 95) for s in parsed.stages},
                    "determinants": {d.id: rng.uniform(30, 95) for d in parsed.determinants},
                    "criteria": {c.id: rng.random() for c in parsed.criteria if c.scored},
                    "observations": [
                        {
                            "channel": "phone",
                            "date": "2025-05-06",
                            "text": "Accueil aimable, attente 2 minutes.",
                        }
                    ],
                },
            )
        )
    StructureResult.objects.bulk_create(rows, batch_size=500)
    mean = {"mean": 60.0, "n": n}
    bench = {
        "channels": {c: mean for c in channels},
        "stages": {s.id: mean for s in parsed.stages},
        "determinants": {d.id: mean for d in parsed.determinants},
        "criteria": {c.id: {"mean": 0.5, "n": n} for c in parsed.criteria if c.scored},
    }
    result_set.stored_benchmarks = {"(national)": bench, "Communes A": bench, "Communes B": bench}
    result_set.stored_categories = [
        {
            "category": name,
            "structures": n,
            "mean": 62.0,
            "median": 61.0,
            "q1": 50.0,
            "q3": 72.0,
            "min": 40.0,
            "max": 90.0,
            "mean_certified": 70.0,
            "mean_not_certified": 60.0,
            "certified": 3,
            **{f"from_{lo}": (n // 6 if 40 <= lo < 90 else 0) for lo in range(0, 100, 10)},
        }
        for name in ("(national)", "Communes A", "Communes B")
    ]
    result_set.save()
    return result_set
