"""The one publication rule for the figures that compare structures (docs/scoring.md §7).

A result version stores its aggregates whole (``ResultSet.stored_categories``,
``stored_key_figures``, ``stored_benchmarks``); every output reads them here, never
directly, so that a new output cannot forget the rule:

- a category with fewer structures than ``BAROMETRE_MIN_CATEGORY_STRUCTURES`` publishes its
  number of structures only: no mean, median, quartile, histogram or certified mean (with
  two structures, its mean and one score give the other's);
- no output publishes a category's minimum or maximum: each is one structure's score,
  perhaps of a structure that refused publication;
- a comparison mean (a channel's, a stage's, a criterion's, in a category or in France)
  computed over fewer structures than the minimum is left out: a structure's report then
  compares itself with France;
- a key figure keeps its k / n; below its minimum the outputs print why it is not given
  (``Figure.public``), its value never.

The outputs that publish these figures are declared in the test
``tests/results/test_publication_rule.py`` (``OUTPUTS``), which builds each one on an
edition with a small category and fails when one is missing or prints a withheld value.
"""

from __future__ import annotations

from typing import cast

from barometre.core.figures import Figure, minimum
from barometre.results import figures as result_figures
from barometre.results import stored as stored_results
from barometre.results.models import ResultSet
from barometre.results.stored import Benchmarks, Mean, PublishedCategoryRow

NATIONAL = result_figures.NATIONAL

# Statistics of a stored category row that describe a distribution (withheld below the
# minimum), and those that are one structure's score (never published).
DISTRIBUTION = (
    "mean",
    "median",
    "q1",
    "q3",
    "mean_certified",
    "mean_not_certified",
    "certified",
    *(f"from_{lo}" for lo in range(0, 100, 10)),
)
EXTREMES = ("min", "max")


def category_rows(result_set: ResultSet) -> list[PublishedCategoryRow]:
    """The stored category rows (France first, key ``"(national)"``) as they may be
    published: extremes dropped, distributions of small categories withheld (only
    ``category`` and ``structures`` remain, with ``published`` False)."""
    need = minimum("category_mean")
    rows: list[PublishedCategoryRow] = []
    for stored in stored_results.raw_categories(result_set):
        structures = int(stored.get("structures") or 0)
        published = structures >= need
        kept = {
            key: value
            for key, value in stored.items()
            if key not in EXTREMES and (published or key not in DISTRIBUTION)
        }
        rows.append(
            cast(PublishedCategoryRow, kept | {"structures": structures, "published": published})
        )
    return rows


def categories_by_name(result_set: ResultSet) -> dict[str, PublishedCategoryRow]:
    return {row["category"]: row for row in category_rows(result_set)}


def benchmarks(result_set: ResultSet) -> Benchmarks:
    """The comparison means of every category and of France: ``{scope: {part: {id:
    {"mean", "n"}}}}``, the mean withheld (None) when computed over fewer structures than
    the minimum; its n stays, so that outputs say why."""
    need = minimum("category_mean")

    def kept(means: dict[str, Mean]) -> dict[str, Mean]:
        return {
            key: mean if int(mean.get("n") or 0) >= need else {"mean": None, "n": mean["n"]}
            for key, mean in means.items()
        }

    return {
        scope: {
            "channels": kept(parts.get("channels", {})),
            "stages": kept(parts.get("stages", {})),
            "determinants": kept(parts.get("determinants", {})),
            "criteria": kept(parts.get("criteria", {})),
        }
        for scope, parts in stored_results.raw_benchmarks(result_set).items()
    }


def key_figures(result_set: ResultSet) -> list[Figure]:
    """The key figures, each with its sample and minimum (``Figure.small`` says which
    ones the outputs withhold)."""
    return [result_figures.key_figure(row) for row in stored_results.raw_key_figures(result_set)]
