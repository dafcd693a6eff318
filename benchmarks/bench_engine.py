"""Benchmark of the scoring engine on synthetic national editions (not a test).

For 1×, 2× and 4× a base of 20,000 structures (~11 audits each, ~2.1 million criterion
answers at 1×), each size in its own process: generate the edition, then, alternately,
run the plain polars + numpy pipeline of ``plain_pipeline.py`` (the same scores, the same
bootstrap size and rankings, without the engine's input checks, problem reports, key
figures and auditor effects) and score everything with the engine (answers, audits,
structures, bootstrap with 1,000 resamples, rankings, key figures, auditor effects).
Both must give the same structure scores (within 1e-9) and the same ranks, and intervals
for the same structures. Prints wall and CPU times of every run, cost per answer, the
ratio engine / plain (best run of each) and peak memory.

    make bench-engine            # 20k, 40k, 80k structures
    python benchmarks/bench_engine.py --base 2000 --sizes 1   # quick run
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed(work):
    """(result, wall seconds, CPU seconds of every thread of the process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def check_same(results, plain, resamples: int) -> dict:
    """The engine and the plain pipeline agree: structure, channel, stage and determinant
    scores within 1e-9, the same ranks, intervals for the same structures from bootstraps
    of the same size. Returns the largest differences."""
    import polars as pl

    both = results.structures.join(plain["structures"], on="structure", suffix="_plain")
    assert both.height == results.structures.height == plain["structures"].height
    score_gap = (both["global"] - both["global_plain"]).abs().max()
    assert score_gap <= 1e-9, score_gap
    channels = results.channels.join(
        plain["channels"], on=["structure", "channel"], suffix="_plain"
    )
    assert channels.height == results.channels.height == plain["channels"].height
    channel_gap = (channels["score"] - channels["score_plain"]).abs().max()
    assert channel_gap <= 1e-9, channel_gap
    dimensions = pl.concat(
        [
            results.stages.select("structure", ("stage:" + pl.col("stage")).alias("dim"), "score"),
            results.determinants.select(
                "structure", ("det:" + pl.col("determinant")).alias("dim"), "score"
            ),
        ]
    ).join(plain["dimensions"], on=["structure", "dim"], suffix="_plain")
    assert dimensions.height == plain["dimensions"].height
    dimension_gap = (dimensions["score"] - dimensions["score_plain"]).abs().max()
    assert dimension_gap <= 1e-9, dimension_gap
    assert plain["bootstrap"].shape == (resamples, results.structures.height)
    ranked = results.rankings.filter(pl.col("rank").is_not_null())
    ranks = ranked.join(plain["rankings"], on="structure", suffix="_plain")
    assert ranks.height == ranked.height == plain["rankings"].height
    # Two structures whose scores are equal in exact arithmetic may differ by 1e-14 in
    # one computation and not in the other: their order (then by audits, then by name)
    # may swap, nothing else.
    swapped = ranks.filter(pl.col("rank") != pl.col("rank_plain"))
    tied = ranks.filter(
        pl.col("global").round(9).is_duplicated().over("category")
        | pl.col("global_plain").round(9).is_duplicated().over("category")
    )
    assert swapped.join(tied, on="structure", how="anti").height == 0, swapped
    width = results.rankings["score_high"] - results.rankings["score_low"]
    assert width.null_count() == 0
    plain_width = plain["rankings"]["score_high"] - plain["rankings"]["score_low"]
    return {
        "score_gap": score_gap,
        "dimension_gap": max(channel_gap, dimension_gap),
        "interval_width": (ranked["score_high"] - ranked["score_low"]).mean(),
        "interval_width_plain": plain_width.mean(),
        "ranked": ranked.height,
        "swapped": swapped.height,
    }


def run_one(n_structures: int, resamples: int, repeat: int) -> dict:
    sys.path.insert(0, str(Path(__file__).parent))
    import plain_pipeline

    from barometre.engine import RankingOptions, score_edition, shipped_grid
    from barometre.engine.synthetic import synthetic_answers

    grid = shipped_grid()
    options = RankingOptions(resamples=resamples)
    # Imports and holiday calendars are loaded once, before anything is timed.
    warm = synthetic_answers(grid, 50, seed=1)
    score_edition(grid, warm, options=RankingOptions(resamples=2))
    plain_pipeline.run(grid, warm, resamples=2)

    answers, generated, _ = timed(lambda: synthetic_answers(grid, n_structures, seed=2025))
    before_scoring = rss_mb()
    runs = []
    for _ in range(repeat):
        plain, plain_wall, plain_cpu = timed(
            lambda: plain_pipeline.run(grid, answers, resamples=resamples)
        )
        results, wall, cpu = timed(lambda: score_edition(grid, answers, options=options))
        runs.append(
            {
                "plain_s": plain_wall,
                "plain_cpu_s": plain_cpu,
                "plain_timings": plain["timings"],
                "engine_s": wall,
                "engine_cpu_s": cpu,
                "timings": results.timings,
            }
        )
    checks = check_same(results, plain, resamples)
    return {
        "structures": n_structures,
        "answers": answers.height,
        "audits": results.audits.height,
        "generate_s": generated,
        "runs": runs,
        "checks": checks,
        "rss_before_scoring_mb": before_scoring,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def load() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=20_000)
    parser.add_argument("--sizes", default="1,2,4")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, alternated")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.resamples, args.repeat)))
        return
    headers = [
        ("taille", 6),
        ("structures", 10),
        ("réponses", 10),
        ("moteur", 8),
        ("/réponse", 9),
        ("simple", 8),
        ("/réponse", 9),
        ("ratio", 6),
        ("ratio CPU", 9),
        ("mémoire max", 11),
    ]
    print(" ".join(f"{name:>{width}}" for name, width in headers))
    first = None
    for factor in [int(f) for f in args.sizes.split(",")]:
        n = args.base * factor
        before = load()
        out = subprocess.run(  # noqa: S603 - this interpreter, this script
            [
                sys.executable,
                __file__,
                "--one",
                str(n),
                "--resamples",
                str(args.resamples),
                "--repeat",
                str(args.repeat),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            sys.exit(f"taille {factor}× : échec\n{out.stderr}")
        r = json.loads(out.stdout.strip().splitlines()[-1])
        runs = r["runs"]
        engine = min(run["engine_s"] for run in runs)
        plain = min(run["plain_s"] for run in runs)
        engine_cpu = min(run["engine_cpu_s"] for run in runs)
        plain_cpu = min(run["plain_cpu_s"] for run in runs)
        per_answer = engine / r["answers"] * 1e6
        first = first or per_answer
        print(
            f"{factor:>5}× {r['structures']:>10,} {r['answers']:>10,} {engine:>7.2f}s "
            f"{per_answer:>7.2f}µs {plain:>7.2f}s {plain / r['answers'] * 1e6:>7.2f}µs "
            f"{engine / plain:>5.2f}× {engine_cpu / plain_cpu:>8.2f}× "
            f"{r['peak_rss_mb']:>9,.0f} Mo".replace(",", " ")
        )
        for i, run in enumerate(runs, 1):
            steps = ", ".join(f"{k} {v:.2f}s" for k, v in run["timings"].items())
            plain_steps = ", ".join(f"{k} {v:.2f}s" for k, v in run["plain_timings"].items())
            print(
                f"        essai {i} : moteur {run['engine_s']:.2f}s (CPU {run['engine_cpu_s']:.2f}s"
                f" ; {steps}) ; simple {run['plain_s']:.2f}s (CPU {run['plain_cpu_s']:.2f}s ;"
                f" {plain_steps}) ; ratio {run['engine_s'] / run['plain_s']:.2f}×"
            )
        c = r["checks"]
        print(
            f"        mêmes résultats : écart max des scores globaux {c['score_gap']:.1e}, des "
            f"canaux, étapes et déterminants {c['dimension_gap']:.1e} ; {c['ranked']} rangs "
            f"identiques sauf {c['swapped']} ex æquo échangés ; largeur moyenne de "
            f"l'intervalle à 90 % {c['interval_width']:.2f} "
            f"(moteur) et {c['interval_width_plain']:.2f} (simple)"
        )
        print(
            f"        génération {r['generate_s']:.2f}s ; mémoire avant calcul "
            f"{r['rss_before_scoring_mb']:,.0f} Mo ; coût par réponse du moteur "
            f"{per_answer / first:.2f}× celui de 1× ; charge avant {before}, après "
            f"{load()}".replace(",", " ")
        )


if __name__ == "__main__":
    main()
