"""Grids: the versioned list of criteria an edition scores against.

A grid is a YAML file (see ``grids/barometre-2025.yaml`` and docs/scoring.md). Loading it
validates everything with pydantic; each error names the YAML path, its line, and what is
wrong.
"""

from __future__ import annotations

import graphlib
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from barometre.engine.calendars import DayUnit
from barometre.engine.errors import EngineError

DATA_DIR = Path(__file__).parent / "data"
OBSERVATIONS_LABEL = "Observations de l'enquêteur"


class MeasureType(StrEnum):
    YES_NO = "yes_no"
    SCALE = "scale"
    COUNT = "count"
    DURATION = "duration"
    DELAY = "delay"
    RATIO = "ratio"
    TEXT = "text"


NUMERIC_MEASURES = {MeasureType.COUNT, MeasureType.DURATION, MeasureType.DELAY, MeasureType.RATIO}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Labelled(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: str


class ChannelSpec(Labelled):
    weight: Annotated[float, Field(gt=0)] = 1.0
    planned_audits: Annotated[int, Field(ge=1, le=50)] = 3


class Level(_Model):
    code: Annotated[str, Field(min_length=1)]
    label: str
    points: Annotated[float, Field(ge=0, le=1)]


class Measure(_Model):
    type: MeasureType
    unit: str = ""  # seconds, minutes, rings…; for delays a DayUnit
    levels: list[Level] = []

    @model_validator(mode="after")
    def _check(self) -> Measure:
        if self.type == MeasureType.SCALE:
            if len(self.levels) < 2:
                raise ValueError("une échelle demande au moins deux niveaux (levels)")
            codes = [lv.code for lv in self.levels]
            if len(set(codes)) != len(codes):
                raise ValueError("codes de niveaux en double")
        elif self.levels:
            raise ValueError("seules les mesures de type scale ont des niveaux")
        if self.type == MeasureType.DELAY:
            try:
                DayUnit(self.unit or DayUnit.WORKING)
            except ValueError:
                units = ", ".join(u.value for u in DayUnit)
                raise ValueError(f"unité de délai inconnue {self.unit!r} ({units})") from None
        return self

    @property
    def day_unit(self) -> DayUnit:
        return DayUnit(self.unit or DayUnit.WORKING)


class Step(_Model):
    bound: float
    points: Annotated[float, Field(ge=0, le=1)]


class Scoring(_Model):
    """How a measure becomes points in [0, 1].

    - ``levels``: yes/no (yes = 1) and scales (each level's points); the default.
    - ``thresholds``: the first step whose bound the value meets (≤ bound for
      ``direction: le``, ≥ for ``ge``) gives its points; otherwise ``otherwise``.
    - ``linear``: 1 at ``best``, 0 at ``worst``, straight line between, clipped.
    """

    type: Literal["levels", "thresholds", "linear"] = "levels"
    direction: Literal["le", "ge"] = "le"
    steps: list[Step] = []
    otherwise: Annotated[float, Field(ge=0, le=1)] = 0.0
    best: float | None = None
    worst: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Scoring:
        if self.type == "thresholds":
            if not self.steps:
                raise ValueError("des seuils (steps) sont nécessaires")
            bounds = [s.bound for s in self.steps]
            ordered = sorted(bounds) if self.direction == "le" else sorted(bounds, reverse=True)
            if bounds != ordered or len(set(bounds)) != len(bounds):
                sens = "croissant" if self.direction == "le" else "décroissant"
                raise ValueError(f"seuils non ordonnés : les bornes doivent aller en ordre {sens}")
        if self.type == "linear" and (
            self.best is None or self.worst is None or self.best == self.worst
        ):
            raise ValueError("le barème linéaire demande best et worst, différents")
        return self


class KnockOut(_Model):
    cap: Annotated[float, Field(ge=0, lt=100)]


class Criterion(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.]*$")]
    label: str
    help: str = ""
    channel: str
    stage: str
    determinant: str
    weight: Annotated[float, Field(gt=0)] = 1.0
    measure: Measure
    scoring: Scoring = Scoring()
    not_applicable: bool = False
    prerequisites: list[str] = []
    knock_out: KnockOut | None = None
    recommendation: str = ""
    key_figures: list[str] = []

    @property
    def scored(self) -> bool:
        return self.measure.type != MeasureType.TEXT

    @model_validator(mode="after")
    def _check(self) -> Criterion:
        kind = self.measure.type
        if kind in NUMERIC_MEASURES and self.scoring.type == "levels":
            raise ValueError("une mesure chiffrée demande un barème thresholds ou linear")
        if kind in {MeasureType.YES_NO, MeasureType.SCALE} and self.scoring.type != "levels":
            raise ValueError("oui/non et échelles se notent par niveaux (scoring: levels)")
        if self.knock_out and not self.scored:
            raise ValueError("un texte libre ne peut pas être éliminatoire")
        return self


class Satisfaction(_Model):
    """When a call (an audit) is *satisfactory* at a stage, and the share of satisfactory
    calls a structure aims at: a call is satisfactory at a stage when its score on that
    stage reaches ``threshold`` out of 100. Used by internal campaigns, which report per
    stage the rate of satisfactory calls against ``target`` (docs/scoring.md §9)."""

    threshold: Annotated[float, Field(gt=0, le=100)] = 75.0
    target: Annotated[float, Field(gt=0, le=100)] = 85.0


class Grid(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")]
    version: Annotated[int, Field(ge=1)] = 1
    title: str
    channels: list[ChannelSpec]
    stages: list[Labelled]
    determinants: list[Labelled]
    criteria: list[Criterion]
    satisfaction: Satisfaction = Satisfaction()

    @model_validator(mode="before")
    @classmethod
    def _observations_on_every_channel(cls, data: Any) -> Any:
        """Every audit has the auditor's observations: a channel none of whose criteria is
        free text gets ``<channel>.observations``, « Observations de l'enquêteur », not
        scored (docs/scoring.md §1). Appended after the declared criteria, so that errors
        keep pointing at their line; grids stored before this rule get it too."""
        if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
            return data
        declared = [c for c in data["criteria"] if isinstance(c, dict)]
        ids = {c.get("id") for c in declared}
        added = []
        for channel in data.get("channels") or []:
            channel_id = channel.get("id") if isinstance(channel, dict) else None
            own = [c for c in declared if c.get("channel") == channel_id]
            if not own or f"{channel_id}.observations" in ids:
                continue
            if any(
                isinstance(c.get("measure"), dict) and c["measure"].get("type") == MeasureType.TEXT
                for c in own
            ):
                continue
            added.append(
                {
                    "id": f"{channel_id}.observations",
                    "label": OBSERVATIONS_LABEL,
                    "channel": channel_id,
                    "stage": own[-1].get("stage"),
                    "determinant": own[-1].get("determinant"),
                    "measure": {"type": MeasureType.TEXT.value},
                }
            )
        return {**data, "criteria": [*data["criteria"], *added]} if added else data

    @model_validator(mode="after")
    def _check_references(self) -> Grid:
        errors = []
        for field in ("channels", "stages", "determinants", "criteria"):
            ids = [item.id for item in getattr(self, field)]
            for dup in sorted({i for i in ids if ids.count(i) > 1}):
                errors.append(f"{field} : identifiant en double « {dup} »")
        channels = {c.id for c in self.channels}
        stages = {s.id for s in self.stages}
        determinants = {d.id for d in self.determinants}
        by_id = {c.id: c for c in self.criteria}
        for index, c in enumerate(self.criteria):
            where = f"criteria[{index}] ({c.id})"
            if c.channel not in channels:
                errors.append(f"{where}.channel : canal inconnu « {c.channel} »")
            if c.stage not in stages:
                errors.append(f"{where}.stage : étape inconnue « {c.stage} »")
            if c.determinant not in determinants:
                errors.append(f"{where}.determinant : déterminant inconnu « {c.determinant} »")
            for pre in c.prerequisites:
                if pre not in by_id:
                    errors.append(f"{where}.prerequisites : critère inconnu « {pre} »")
                elif by_id[pre].channel != c.channel:
                    errors.append(f"{where}.prerequisites : « {pre} » est d'un autre canal")
                elif by_id[pre].measure.type not in {MeasureType.YES_NO, MeasureType.SCALE}:
                    errors.append(f"{where}.prerequisites : « {pre} » doit être un oui/non")
        if not errors:
            sorter = graphlib.TopologicalSorter({c.id: c.prerequisites for c in self.criteria})
            try:
                sorter.prepare()
            except graphlib.CycleError as exc:
                cycle = " → ".join(exc.args[1])
                errors.append(f"criteria : prérequis circulaires ({cycle})")
        for channel in channels:
            if not any(c.channel == channel and c.scored for c in self.criteria):
                errors.append(f"channels : le canal « {channel} » n'a aucun critère noté")
        if errors:
            raise ValueError("\n".join(errors))
        return self

    @cached_property
    def criteria_by_id(self) -> dict[str, Criterion]:
        return {c.id: c for c in self.criteria}

    @cached_property
    def channel_ids(self) -> list[str]:
        return [c.id for c in self.channels]

    def channel(self, channel_id: str) -> ChannelSpec:
        return next(c for c in self.channels if c.id == channel_id)

    def criteria_of(self, channel_id: str) -> list[Criterion]:
        return [c for c in self.criteria if c.channel == channel_id and c.scored]

    def prerequisite_order(self, channel_id: str) -> list[Criterion]:
        """Scored criteria of a channel, each after its prerequisites."""
        crits = {c.id: c for c in self.criteria_of(channel_id)}
        order = graphlib.TopologicalSorter({k: v.prerequisites for k, v in crits.items()})
        return [crits[i] for i in order.static_order() if i in crits]


def _line_index(text: str) -> dict[tuple[str | int, ...], int]:
    """Map each YAML path (tuple of keys and indexes) to its 1-based line."""
    lines: dict[tuple[str | int, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[(*path, key.value)] = key.start_mark.line + 1
                walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return lines


def _path_text(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_grid(text: str, source: str = "grille") -> Grid:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise EngineError(
            f"YAML illisible : {getattr(exc, 'problem', exc)}",
            path=source,
            line=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(data, dict):
        raise EngineError("la grille doit être un dictionnaire YAML", path=source)
    # Keys starting with "x-" hold YAML anchors shared by criteria (scales…).
    data = {k: v for k, v in data.items() if not str(k).startswith("x-")}
    try:
        return Grid.model_validate(data)
    except ValidationError as exc:
        lines = _line_index(text)
        messages = []
        first_path, first_line = "", None
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
            while loc and loc not in lines:
                loc = loc[:-1]
            line = lines.get(loc)
            path = _path_text(loc) or "grille"
            msg = error["msg"].removeprefix("Value error, ")
            messages.append(f"{path} (ligne {line}) : {msg}" if line else f"{path} : {msg}")
            if not first_path:
                first_path, first_line = path, line
        raise EngineError("\n".join(messages), path=first_path, line=first_line) from None


def load_grid(path: str | Path) -> Grid:
    path = Path(path)
    if not path.exists() and (DATA_DIR / f"{path}.yaml").exists():
        path = DATA_DIR / f"{path}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EngineError(f"grille introuvable : {exc.strerror}", path=str(path)) from None
    return parse_grid(text, source=path.name)


def shipped_grid(grid_id: str = "barometre-2025") -> Grid:
    return load_grid(DATA_DIR / f"{grid_id}.yaml")
