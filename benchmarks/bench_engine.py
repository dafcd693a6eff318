"""Benchmark of the scoring engine on synthetic national editions (not a test).

For 1×, 2× and 4× a base of 20,000 structures (~11 audits each, ~2.2 million criterion
answers at 1×), each size in its own process: generate the edition, run a plain polars
group-by of channel means on the same answers (the baseline), then score everything
(answers, audits, structures, bootstrap with 1,000 resamples, rankings, key figures,
auditor effects). Prints wall times, peak memory and ratios.

    make bench-engine            # 20k, 40k, 80k structures
    python benchmarks/bench_engine.py --base 2000 --sizes 1   # quick run
"""

import argparse
import json
import resource
import subprocess
import sys
import time


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def best_of(n: int, work) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def run_one(n_structures: int, resamples: int) -> dict:
    import polars as pl

    from barometre.engine import RankingOptions, score_edition, shipped_grid
    from barometre.engine.scoring import aggregate_structures
    from barometre.engine.synthetic import synthetic_answers

    grid = shipped_grid()
    start = time.perf_counter()
    answers = synthetic_answers(grid, n_structures, seed=2025)
    generated = time.perf_counter() - start
    before_scoring = rss_mb()

    def baseline() -> pl.DataFrame:
        return (
            answers.with_columns((pl.col("value") == "oui").cast(pl.Float64).alias("x"))
            .group_by("structure", "channel")
            .agg(pl.col("x").mean())
        )

    baseline_time = best_of(3, baseline)

    start = time.perf_counter()
    results = score_edition(grid, answers, options=RankingOptions(resamples=resamples))
    scoring = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The aggregation part (audit scores → channel, stage, determinant and global scores
    # per structure), best of 3 like the baseline, on the same process and data.
    aggregation = best_of(3, lambda: aggregate_structures(grid, results.audits))
    return {
        "structures": n_structures,
        "answers": answers.height,
        "audits": results.audits.height,
        "generate_s": generated,
        "baseline_s": baseline_time,
        "scoring_s": scoring,
        "timings": results.timings,
        "aggregation_s": aggregation,
        "rss_before_scoring_mb": before_scoring,
        "peak_rss_mb": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=20_000)
    parser.add_argument("--sizes", default="1,2,4")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.resamples)))
        return
    headers = [
        ("taille", 6),
        ("structures", 10),
        ("réponses", 10),
        ("scoring", 9),
        ("/réponse", 9),
        ("agrég.", 7),
        ("base", 7),
        ("ratio", 6),
        ("bootstrap", 9),
        ("mémoire max", 11),
    ]
    print(" ".join(f"{name:>{width}}" for name, width in headers))
    first = None
    for factor in [int(f) for f in args.sizes.split(",")]:
        n = args.base * factor
        out = subprocess.run(  # noqa: S603 - this interpreter, this script
            [sys.executable, __file__, "--one", str(n), "--resamples", str(args.resamples)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        per_answer = r["scoring_s"] / r["answers"] * 1e6
        first = first or per_answer
        aggregation = r["aggregation_s"]
        print(
            f"{factor:>5}× {r['structures']:>10,} {r['answers']:>10,} {r['scoring_s']:>8.2f}s "
            f"{per_answer:>7.2f}µs {aggregation:>6.2f}s {r['baseline_s']:>6.2f}s "
            f"{aggregation / r['baseline_s']:>5.1f}× {r['timings']['bootstrap_rank']:>8.2f}s "
            f"{r['peak_rss_mb']:>9,.0f} Mo".replace(",", " ")
        )
        detail = ", ".join(f"{k} {v:.2f}s" for k, v in r["timings"].items())
        print(
            f"        étapes : {detail} ; génération {r['generate_s']:.2f}s ; mémoire avant "
            f"calcul {r['rss_before_scoring_mb']:,.0f} Mo ; coût par réponse "
            f"{per_answer / first:.2f}× celui de 1×".replace(",", " ")
        )


if __name__ == "__main__":
    main()
