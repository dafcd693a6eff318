"""The palmarès: laureates proposed by the ranking, confirmed by the operator, and what
the public may see of a published edition."""

from dataclasses import dataclass, field

from barometre.campaigns.lifecycle import can_run
from barometre.campaigns.models import Enrolment
from barometre.core.errors import Refused
from barometre.core.figures import minimum, plural
from barometre.results import stored
from barometre.results.awards import Award, category_awards, indiscernible, recipients
from barometre.results.models import Laureate, ResultSet, StructureResult
from barometre.results.stored import StructureDetails


@dataclass
class CategoryPalmares:
    category: str
    ranking: list[StructureResult]
    proposed: StructureResult | None
    laureate: Laureate | None = None
    tied: list[StructureResult] = field(default_factory=list)  # cannot be told apart
    awards: list[Award] = field(default_factory=list)  # laureate, 2nd, 3rd, mentions
    # Who the jury may confirm, as the operator's page offers it: see ``palmares``.
    candidates: list[StructureResult] = field(default_factory=list)
    more_candidates: bool = False  # structures that may be published but are not offered
    # A category with fewer structures than BAROMETRE_MIN_CATEGORY_STRUCTURES is not
    # ranked: its structures are participants, without rank or distinction.
    participants: list[StructureResult] = field(default_factory=list)
    classable: int = 0  # a category not ranked: its eligible structures, published or not

    @property
    def ranked(self) -> bool:
        return not self.classable

    @property
    def too_few(self) -> str:
        """Why a category is not ranked: « 2 structures, moins que les 5 … »."""
        n, need = self.classable, minimum("category_mean")
        return (
            f"catégorie trop petite pour un classement : {n} structure{plural(n)}, il en faut "
            f"au moins {need} ; ni rang ni distinction"
        )

    @property
    def participants_sentence(self) -> str:
        """« Participante : Médiathèque de Guérande (et 1 autre structure, qui n'a pas
        accepté la publication de ses résultats). » — who took part, said whole."""
        names = ", ".join(r.structure.name for r in self.participants)
        unnamed = self.classable - len(self.participants)
        if unnamed == 1:
            others = "1 autre structure, qui n'a pas accepté la publication de ses résultats"
        else:
            others = (
                f"{unnamed} autres structures, qui n'ont pas accepté la publication de leurs "
                "résultats"
            )
        if not names:
            return "Aucune n'a accepté la publication de ses résultats." if unnamed else ""
        sentence = f"Participante{plural(len(self.participants))} : {names}"
        return f"{sentence} (et {others})." if unnamed else f"{sentence}."

    @property
    def laureate_award(self) -> Award | None:
        return next((a for a in self.awards if a.kind == "laureate"), None)


# The jury's choice is offered among the first structures that accepted publication and
# every one that cannot be told apart from the proposed laureate (or the confirmed one):
# a list that does not grow with the size of the category.
CANDIDATES = 10


def _publishable(result_set: ResultSet) -> set[int]:
    return set(
        Enrolment.objects.filter(edition=result_set.edition, publish_results=True).values_list(
            "structure_id", flat=True
        )
    )


def palmares(result_set: ResultSet, *, public: bool = False) -> list[CategoryPalmares]:
    """Per category: the eligible ranking, the proposed laureate (first eligible structure
    that accepted publication), the confirmed laureate and the structures whose interval
    reaches the laureate's. ``public`` keeps only structures that accepted publication."""
    allowed = _publishable(result_set)
    laureates = {lt.category: lt for lt in result_set.laureates.select_related("structure")}
    # The ranking without the results' large ``details`` (every stage and criterion):
    # only the structures distinguished get their channel scores, read afterwards in one
    # query (the awards print them).
    results = (
        result_set.structures.filter(eligible=True)
        .select_related("structure")
        .defer("details")
        .order_by("category", "rank")
    )
    by_category: dict[str, list[StructureResult]] = {}
    for result in results:
        by_category.setdefault(result.category, []).append(result)
    # Categories too small to be ranked (versions computed before the engine applied the
    # minimum may still carry ranks there: the minimum is applied again as they are read).
    small = {
        category: sorted(ranking, key=lambda r: r.structure.name)
        for category, ranking in by_category.items()
        if len(ranking) < minimum("category_mean") or ranking[0].rank is None
    }
    for category in small:
        del by_category[category]
    chosen_ones = {
        category: recipients(ranking, laureates.get(category), allowed)
        for category, ranking in by_category.items()
    }
    _read_channel_scores([r for chosen in chosen_ones.values() for _, r, _ in chosen])
    grid = result_set.grid.parsed() if laureates else None
    out = []
    for category, ranking in by_category.items():
        proposed = next((r for r in ranking if r.structure_id in allowed), None)
        laureate = laureates.get(category)
        awards = category_awards(chosen_ones[category], len(ranking), grid, proposed)
        chosen = laureate.structure_id if laureate else None
        reference = next((r for r in ranking if r.structure_id == chosen), proposed)
        tied = [
            r for r in ranking if reference and r is not reference and indiscernible(r, reference)
        ]
        candidates = [
            r
            for i, r in enumerate(r for r in ranking if r.structure_id in allowed)
            if i < CANDIDATES or r is reference or r in tied
        ]
        more = sum(1 for r in ranking if r.structure_id in allowed) > len(candidates)
        if public:
            candidates, more = [], False
            ranking = [r for r in ranking if r.structure_id in allowed]
            tied = [r for r in tied if r.structure_id in allowed]
            if laureate and laureate.structure_id not in allowed:
                laureate = None
        if public and laureate is None:
            awards = []
        out.append(
            CategoryPalmares(category, ranking, proposed, laureate, tied, awards, candidates, more)
        )
    for category, participants in small.items():
        classable = len(participants)
        if public:
            participants = [r for r in participants if r.structure_id in allowed]
        out.append(
            CategoryPalmares(category, [], None, participants=participants, classable=classable)
        )
    out.sort(key=lambda c: (not c.ranked, c.category))  # ranked categories first
    return out


def _read_channel_scores(results: list[StructureResult]) -> None:
    """Give these results the channel part of their ``details`` (one query)."""
    rows = StructureResult.objects.filter(pk__in=[r.pk for r in results]).values_list(
        "pk", stored.detail_lookup("channels"), stored.detail_lookup("channel_audits")
    )
    found: dict[int, StructureDetails] = {
        pk: {"channels": c or {}, "channel_audits": a or {}} for pk, c, a in rows
    }
    for result in results:
        result.details = found.get(result.pk, {"channels": {}, "channel_audits": {}})


def award_for(result: StructureResult) -> Award | None:
    """The distinction of a structure in a published national edition, if it has one."""
    result_set = result.result_set
    if result_set.published_at is None or result_set.edition.owner_id:
        return None
    for category in palmares(result_set, public=True):
        for award in category.awards:
            if award.result.structure_id == result.structure_id:
                return award
    return None


def confirm_laureate(
    result_set: ResultSet, category: str, structure_id: int, jury_note: str, *, by
) -> Laureate:
    if not can_run(by, result_set.edition) or result_set.edition.owner_id:
        raise Refused(["seuls les opérateurs d'un baromètre national désignent les lauréats"])
    if result_set.status != ResultSet.Status.READY:
        raise Refused(["les résultats ne sont pas calculés"])
    if ResultSet.objects.published().filter(pk=result_set.pk).exists():
        raise Refused(
            [
                f"la version {result_set.version} est publiée : son palmarès et les notes "
                "du jury ne changent plus ; calculez une version corrigée pour les "
                "modifier"
            ]
        )
    ranked = result_set.structures.filter(category=category, eligible=True, rank__isnull=False)
    if ranked.count() < minimum("category_mean"):
        raise Refused(
            [
                f"la catégorie « {category} » compte moins de {minimum('category_mean')} "
                "structures classées : elle n'a ni classement ni lauréat"
            ]
        )
    result = ranked.filter(structure_id=structure_id).first()
    if result is None:
        raise Refused([f"cette structure n'est pas classée dans la catégorie « {category} »"])
    if structure_id not in _publishable(result_set):
        raise Refused(["la structure n'a pas accepté la publication de ses résultats"])
    if not jury_note.strip():
        raise Refused(["le point remarquable du jury est obligatoire"])
    laureate, _ = Laureate.objects.update_or_create(
        result_set=result_set,
        category=category,
        defaults={"structure_id": structure_id, "jury_note": jury_note.strip(), "confirmed_by": by},
    )
    return laureate
