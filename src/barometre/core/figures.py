"""One definition per kind of figure and one formatting rule per unit (docs/scoring.md §7).

Every page, PDF and export writes its numbers through these functions, so the same figure
reads the same everywhere: percents with one decimal in tables and none in headlines,
scores and days with one decimal, counts as integers with a thousands separator, all
rounded half up (63.65 → 63,7; 0.5 → 1), never truncated.

A figure knows what it was computed from: a **rate** shows k / n and its interval, a
**mean** shows n (what was averaged: calls, audits, structures) and its interval, a
**score** shows its number of audits, a **count** is a whole number. Below a minimum
sample (settings ``BAROMETRE_MIN_*``) a figure is *small*: where structures are compared
(rankings, category means, synthesis, open data, API categories) "effectif insuffisant
(n = 2)" is printed instead of it (``Figure.compared``); a structure's own publications
(annual review, transparency page, internal campaign results) print it with its k / n, its
interval and "effectif faible" (``Figure.own``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

from django.conf import settings

from barometre.engine import plural as plural

THOUSANDS = "\u202f"  # narrow no-break space, the French thousands separator
DECIMAL = ","
MISSING = "—"

if TYPE_CHECKING:
    from typing_extensions import TypeIs

Kind = Literal["rate", "mean", "score", "count"]


def _missing(value: float | str | None) -> TypeIs[str | None]:
    """None, NaN, or the empty string a template gives for a key that a published row
    leaves out (``results.publication``). For the type checker, False means a number."""
    return value is None or value == "" or (isinstance(value, float) and not math.isfinite(value))


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """``value`` rounded half up, from its shortest decimal writing (so 2.675 → 2.68,
    which binary floating point would make 2.67)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def rounded(value: float | None, decimals: int = 1) -> float:
    """A value for a chart or a machine-readable cell, rounded half up; 0 when missing
    (charts draw a missing value as 0 and their table says why)."""
    return 0.0 if _missing(value) else float(round_half_up(value, decimals))


def format_number(value: float | None, decimals: int = 0) -> str:
    """French writing: ``1234567.25`` → ``1 234 567,3`` (one decimal)."""
    if _missing(value):
        return MISSING
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0,0"
    sign, digits = ("-", -rounded) if rounded < 0 else ("", rounded)
    whole, _, fraction = f"{digits:.{decimals}f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = THOUSANDS.join([whole, *groups])
    return sign + text + (DECIMAL + fraction if fraction else "")


def format_percent(percent: float | None, decimals: int = 1) -> str:
    """A value already in percent: ``63.64`` → ``63,6 %``."""
    if _missing(percent):
        return MISSING
    return f"{format_number(percent, decimals)}\u00a0%"


def format_share(share: float | None, decimals: int = 1) -> str:
    """A share between 0 and 1 as a percent: ``0.636`` → ``63,6 %`` (multiplied exactly)."""
    if _missing(share):
        return MISSING
    return format_percent(_percent_of(share), decimals)


def _percent_of(share: float) -> float:
    return float(Decimal(repr(float(share))) * 100)


def format_count(value: float | None) -> str:
    """A count: ``362535.2`` → ``362 535``."""
    return format_number(value, 0)


def format_days(value: float | None) -> str:
    return format_number(value, 1)


def minimum(name: str) -> int:
    """The configured minimum sample: ``rate`` (answers), ``structure_score`` (audits) or
    ``category_mean`` (structures)."""
    return {
        "rate": settings.BAROMETRE_MIN_RATE_ANSWERS,
        "structure_score": settings.BAROMETRE_MIN_STRUCTURE_AUDITS,
        "category_mean": settings.BAROMETRE_MIN_CATEGORY_STRUCTURES,
    }[name]


def count_of(n: float | None, word: str, after: str = "") -> str:
    """A count and the one word it counts, with its plural mark from 2 (``plural``): « 1
    fiche », « 3 mises à jour » (``count_of(3, "mise", " à jour")``). Agreeing words
    after it take ``plural`` themselves: « 3 audits confiés »."""
    return f"{format_count(n or 0)} {word}{plural(n)}{after}"


def counted(unit: str, n: float | None) -> str:
    """What ``n`` counts, in the singular below 2: « 1 appel décroché », « 0 réponse »
    (each word of the plural units the figures use loses its final « s »)."""
    if n is not None and abs(n) >= 2:
        return unit
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in unit.split(" "))


def insufficient(n: int | None) -> str:
    return f"effectif insuffisant (n = {format_count(n or 0)})"


@dataclass(frozen=True)
class Figure:
    """One published number with what it was computed from.

    ``value``, ``low`` and ``high`` are shares in [0, 1] for a rate, in ``unit`` for a
    mean or a score; ``n`` is the number of observations the value was computed from
    (``n_unit``: "appels", "audits", "structures"…), ``numerator`` a rate's k."""

    kind: Kind
    value: float | None
    n: int
    n_unit: str = ""
    numerator: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    minimum: int = 0
    label: str = ""
    id: str = ""

    @property
    def small(self) -> bool:
        return self.n < self.minimum

    def _value(self, decimals: int) -> str:
        if _missing(self.value):
            return MISSING
        if self.kind == "rate":
            return format_share(self.value, decimals)
        if self.kind == "count":
            return format_count(self.value)
        text = format_number(self.value, decimals)
        return f"{text}\u00a0{self.unit}" if self.unit else text

    @property
    def text(self) -> str:
        """As in a table: a rate with one decimal."""
        return self._value(1)

    @property
    def headline(self) -> str:
        """As in a headline: a rate without decimals."""
        return self._value(0 if self.kind == "rate" else 1)

    @property
    def interval(self) -> str:
        """« 61,2 – 74,0 » (a rate in percent), or why there is none: an interval of zero
        width (« 78,6 – 78,6 ») would claim a certainty the sample does not give."""
        if _missing(self.value):
            return MISSING
        if not self.has_interval or _missing(self.low):  # the second for the type checker
            return self.no_interval
        if self.kind == "rate":
            low = format_number(_percent_of(self.low), 1)
            return f"{low} – {format_share(self.high)}"
        return f"{format_number(self.low, 1)} – {format_number(self.high, 1)}"

    @property
    def has_interval(self) -> bool:
        """False without bounds, or when they would print the same (« 78,6 – 78,6 »: a
        structure audited once per channel, whose bootstrap cannot vary)."""
        if _missing(self.low) or _missing(self.high):
            return False
        scale = 100 if self.kind == "rate" else 1
        return format_number(self.low * scale, 1) != format_number(self.high * scale, 1)

    @property
    def no_interval(self) -> str:
        """Why a figure has no interval (docs/scoring.md §7), when it is known: a single
        observation, or bounds that coincide. A figure given without bounds otherwise
        (a register counted whole is no sample) has « — »."""
        if self.kind == "count" or (self.kind == "rate" and _missing(self.low)):
            return MISSING
        if self.n <= 1:
            return "pas d'intervalle : une seule observation"
        if _missing(self.low) or _missing(self.high):
            return MISSING
        if self.kind == "score":
            return (
                "pas d'intervalle : aucun écart entre les audits d'un même canal (un seul "
                "audit par canal, ou des audits identiques)"
            )
        return "pas d'intervalle : valeurs toutes égales ou à une borne de l'échelle"

    @property
    def sample(self) -> str:
        """A rate's k / n, a mean's or a score's n, with what was counted (« 1 réponse »,
        « 2 réponses »: the French plural from 2)."""
        unit = f" {counted(self.n_unit, self.n)}" if self.n_unit else ""
        if self.kind == "rate" and self.numerator is not None:
            return f"{format_count(self.numerator)} / {format_count(self.n)}{unit}"
        return f"{format_count(self.n)}{unit}"

    # Two treatments of a small sample (docs/scoring.md §7, "Compared outputs and own
    # publications"):
    # - where structures are compared (rankings, category means, national synthesis,
    #   open data aggregates, API categories), a figure below its minimum is not given;
    # - in a structure's own publications (annual review, transparency page, internal
    #   campaign results), it is always given, with its k / n, its interval and
    #   "effectif faible" below the minimum.

    @property
    def compared(self) -> str:
        """Where structures are compared: the value, or why it is not given."""
        return insufficient(self.n) if self.small else self.text

    @property
    def compared_headline(self) -> str:
        return insufficient(self.n) if self.small else self.headline

    # The name of the first output that compared structures, kept for its templates.
    public = compared

    @property
    def confidence(self) -> str:
        """What the interval is: 95 % (Wilson, normal) or the scores' 90 % bootstrap."""
        return "90\u00a0%" if self.kind == "score" else "95\u00a0%"

    @property
    def own_details(self) -> str:
        """k / n (or n) and the interval, as a structure's own publications add them."""
        parts = [self.sample]
        if self.has_interval:
            parts.append(f"intervalle à {self.confidence} : {self.interval}")
        elif self.interval != MISSING:
            parts.append(self.interval)  # why there is none
        return " ; ".join(parts)

    @property
    def own_note(self) -> str:
        """ "effectif faible (n = 20)" below the minimum, else empty."""
        return f"effectif faible (n = {format_count(self.n)})" if self.small else ""

    @property
    def own(self) -> str:
        """In a structure's own publications: the value always, with its k / n, its
        interval and "effectif faible" below the minimum: ``45,0 % (9 / 20 appels ;
        intervalle à 95 % : 25,8 – 65,8 %), effectif faible (n = 20)``."""
        if _missing(self.value):
            return MISSING
        text = f"{self.text} ({self.own_details})"
        return f"{text}, {self.own_note}" if self.small else text

    @property
    def warning(self) -> str:
        """What an internal page adds next to a small figure."""
        return f"effectif faible (n = {format_count(self.n)}) : à interpréter avec prudence"

    def exported(self, value):
        """An export cell: ``value`` as given, or the insufficient-sample text."""
        return insufficient(self.n) if self.small else value
