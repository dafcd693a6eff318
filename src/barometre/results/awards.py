"""The distinctions of a palmarès, in the words of AFNOR's announcement of its trophies
("distingué parmi les lauréats… Deuxième de sa catégorie avec la belle moyenne de 77/100…
téléphone (80/100), mail (78/100)…"), and what a distinguished structure receives: a
certificate and a press kit with its figures.

Once the jury has confirmed a category's laureate, that category distinguishes:

- the **laureate** (« Lauréat »), the structure the jury confirmed: usually the first of
  the ranking; when the jury chose another one, the palmarès says so (« choisi par le
  jury », with its rank) and its note;
- the structures ranked **1st, 2nd and 3rd** of the category (« 1er de sa catégorie »,
  « 2e de sa catégorie », « 3e de sa catégorie »), if they are not the laureate: a jury's
  choice never takes a structure's rank or score out of the palmarès;
- a **mention** (« Mention du jury ») for every other ranked structure that cannot be
  told apart from the laureate (its score interval overlaps the laureate's).

Only structures that accepted the publication of their results are distinguished. Each
distinction carries the global score and the channel scores, each with its number of
audits: the award is decided on the global score, the channel scores describe it
(docs/scoring.md §7)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify

from barometre.core.figures import format_number
from barometre.core.pdf import render_pdf
from barometre.results import stored
from barometre.results.models import Laureate, StructureResult

PODIUM = (1, 2, 3)
PODIUM_WORDS = {1: "Premier", 2: "Deuxième", 3: "Troisième"}


def ordinal(rank: int) -> str:
    return "1er" if rank == 1 else f"{rank}e"


@dataclass(frozen=True)
class ChannelScore:
    id: str
    label: str
    score: float
    audits: int

    @property
    def out_of_100(self) -> str:
        """As AFNOR's announcement prints it: "80/100"."""
        return f"{format_number(self.score, 0)}/100"


@dataclass
class Award:
    kind: str  # "laureate", "podium" or "mention"
    result: StructureResult
    channels: list[ChannelScore]
    ranked: int  # structures ranked in the category
    jury_note: str = ""

    @property
    def rank(self) -> int:
        """The structure's rank in its category: a palmarès holds ranked results only."""
        if self.result.rank is None:
            raise ValueError(f"résultat {self.result.pk} sans rang dans un palmarès")
        return self.result.rank

    @property
    def title(self) -> str:
        if self.kind == "laureate":
            return "Lauréat"
        if self.kind == "podium":
            return f"{ordinal(self.rank)} de sa catégorie"
        return "Mention du jury"

    # A laureate other than the one the ranking proposed (the first structure that
    # accepted publication): the jury chose it for its note.
    chosen_by_jury: bool = False

    @property
    def choice(self) -> str:
        """What the palmarès says of a laureate the jury chose: « choisi par le jury,
        2e du classement »; empty for the first of the ranking and other distinctions."""
        if self.kind != "laureate" or not self.chosen_by_jury:
            return ""
        return f"choisi par le jury, {ordinal(self.rank)} du classement"

    @property
    def category(self) -> str:
        return self.result.category

    @property
    def structure(self):
        return self.result.structure

    @property
    def global_score(self) -> str:
        """As AFNOR's announcement prints it: "77/100"."""
        return f"{format_number(self.result.score, 0)}/100"

    @property
    def press_sentence(self) -> str:
        """The sentence of a trophy press release, with this structure's figures: « Mention
        du jury : avec une moyenne de 70/100, la Région Sud se distingue par… ». The
        distinction leads, before a colon, so that nothing has to agree with the
        structure's gender. « Quel que soit le support de contact » is said only when it
        is true: no channel scored more than 10 points under the global score."""
        if self.kind == "laureate":
            opening = "Lauréat de sa catégorie"
            if self.chosen_by_jury:
                opening += " sur le choix du jury"
        elif self.kind == "podium":
            opening = f"{PODIUM_WORDS[self.rank]} de sa catégorie"
        else:
            opening = "Mention du jury"
        sentence = (
            f"{opening} : avec une moyenne de {self.global_score}, "
            f"{self.structure.in_sentence} se distingue par la qualité de sa prise en charge "
            "des usagers"
        )
        if self.channels and all(c.score >= self.result.score - 10 for c in self.channels):
            sentence += ", quel que soit le support de contact"
        if self.channels:
            sentence += f" – {self.channels_sentence}"
        return sentence + "."

    @property
    def channels_sentence(self) -> str:
        """ "téléphone (80/100), courriel (78/100) et réseaux sociaux (85/100)"."""
        parts = [f"{c.label.lower()} ({c.out_of_100})" for c in self.channels]
        if len(parts) < 2:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " et " + parts[-1]


def channel_scores(result: StructureResult, grid) -> list[ChannelScore]:
    details = stored.details(result)
    scores, audits = details.get("channels", {}), details.get("channel_audits", {})
    return [
        ChannelScore(c.id, c.label, score, int(audits.get(c.id) or 0))
        for c in grid.channels
        if (score := scores.get(c.id)) is not None
    ]


def indiscernible(result: StructureResult, reference: StructureResult) -> bool:
    """Whether the two structures' score intervals overlap: ranked above or below the
    reference, a structure whose interval does not reach it can be told apart."""
    return result.score_high >= reference.score_low and result.score_low <= reference.score_high


def recipients(
    ranking: list[StructureResult], laureate: Laureate | None, publishable: set[int]
) -> list[tuple[str, StructureResult, str]]:
    """Who one category distinguishes, in the order they are announced: (kind, result,
    jury note). ``ranking`` is the category's full eligible ranking (rank order)."""
    if laureate is None:
        return []
    reference = next((r for r in ranking if r.structure_id == laureate.structure_id), None)
    if reference is None:
        return []
    chosen = [("laureate", reference, laureate.jury_note)]
    for result in ranking:
        if result is reference or result.structure_id not in publishable:
            continue
        if result.rank in PODIUM:
            chosen.append(("podium", result, ""))
        elif indiscernible(result, reference):
            chosen.append(("mention", result, ""))
    return chosen


def category_awards(
    chosen: list[tuple[str, StructureResult, str]],
    ranked: int,
    grid,
    proposed: StructureResult | None = None,
) -> list[Award]:
    """The distinctions of one category (see ``recipients``) with their channel scores,
    read from each result's ``details``; ``ranked``: structures ranked in the category;
    ``proposed``: the laureate the ranking proposed (the first structure that accepted
    publication), to say when the jury chose another."""
    return [
        Award(
            kind,
            result,
            channel_scores(result, grid),
            ranked,
            note,
            chosen_by_jury=(
                kind == "laureate"
                and proposed is not None
                and result.structure_id != proposed.structure_id
            ),
        )
        for kind, result, note in chosen
    ]


def _context(award: Award) -> dict:
    result_set = award.result.result_set
    return {
        "award": award,
        "result_set": result_set,
        "edition": result_set.edition,
        "operator_name": settings.OPERATOR["name"],
    }


def certificate_pdf(award: Award) -> bytes:
    """One page: the distinction, the category, the edition and the scores."""
    return render_pdf("results/pdf/certificate.html", _context(award))


def press_kit(award: Award, *, methodology_url: str) -> str:
    """The figures a press release needs, as a trophy press release uses them, and a
    ready sentence."""
    participants = award.result.result_set.structures.count()
    return render_to_string(
        "results/press_kit.txt",
        {
            **_context(award),
            "participants": participants,
            "sentence": award.press_sentence,
            "methodology_url": methodology_url,
        },
    )


def award_filename(award: Award, kind: str, extension: str) -> str:
    edition = award.result.result_set.edition
    name = slugify(award.structure.name)[:60]
    return f"{kind}-{edition.year}-{name}-{award.structure.identifier}.{extension}"
