"""``barometre score GRID ANSWERS --out RESULTS.xlsx``: the engine on files, no database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from barometre.engine.errors import EngineError, InputRejected
from barometre.engine.files import read_answers, write_results
from barometre.engine.french import plural
from barometre.engine.grid import load_grid
from barometre.engine.ranking import RankingOptions
from barometre.engine.results import score_edition


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="barometre score",
        description="Calcule les scores d'une édition à partir d'une grille et d'un tableau "
        "de réponses (CSV ou XLSX), sans base de données.",
    )
    parser.add_argument("grid", help="grille YAML, ou le nom d'une grille fournie (barometre-2025)")
    parser.add_argument("answers", help="tableau des réponses (format long, docs/formats.md)")
    parser.add_argument("--out", required=True, help="classeur XLSX des résultats à écrire")
    parser.add_argument("--resamples", type=int, default=1000, help="rééchantillonnages (1000)")
    parser.add_argument("--seed", type=int, default=2025, help="graine du bootstrap (2025)")
    args = parser.parse_args(argv)
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    out = Path(args.out)
    try:
        grid = load_grid(args.grid)
        path = Path(args.answers)
        if not path.is_file():
            raise EngineError(f"fichier de réponses introuvable : {path}")
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            step = progress.add_task("Lecture des réponses…")
            answers = read_answers(path.read_bytes(), path.name)
            progress.update(step, description=f"Calcul de {answers.height} réponses…")
            options = RankingOptions(resamples=args.resamples, seed=args.seed)
            results = score_edition(grid, answers, options=options)
            progress.update(step, description="Écriture du classeur…")
            write_results(results, out, results.warnings)
    except InputRejected as exc:
        console.print(f"[bold red]{exc}[/] Aucun fichier écrit.")
        for problem in exc.problems[:200]:
            console.print(f"  {problem}")
        if len(exc.problems) > 200:
            console.print(f"  … et {len(exc.problems) - 200} autres.")
        return 2
    except EngineError as exc:
        console.print(f"[bold red]Erreur :[/] {exc}")
        return 2
    national = results.categories.row(0, named=True)
    console.print(
        f"{results.structures.height} structures, {results.audits.height} audits ; "
        f"score national moyen {national['mean']:.1f}/100. Résultats : {out}"
    )
    if results.warnings:
        n = len(results.warnings)
        console.print(f"{n} avertissement{plural(n)} : voir la feuille « Problèmes ».")
    return 0


if __name__ == "__main__":
    sys.exit(main())
