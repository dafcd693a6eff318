"""Services Publics+ reference data shipped with the engine: the engagements with their
maturity scale, the satisfaction-survey template and the catalogue of quality
indicators (the quality dashboard a préfecture presents to its local users' committee)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from barometre.engine.errors import EngineError
from barometre.engine.grid import DATA_DIR


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Engagement(_Model):
    id: str
    number: Annotated[int, Field(ge=1)]
    pillar: str
    label: str


class MaturityLevel(_Model):
    level: Annotated[int, Field(ge=0)]
    label: str


class Engagements(_Model):
    id: str
    version: int
    engagements: list[Engagement]
    maturity_scale: list[MaturityLevel]


class SurveyItem(_Model):
    id: str
    label: str
    engagement: str
    conditional: str = ""


class Scale(_Model):
    min: int
    max: int


class Comment(_Model):
    label: str
    max_length: Annotated[int, Field(ge=1, le=10_000)]


class SurveyTemplate(_Model):
    id: str
    title: str
    scale: Scale
    satisfied_from: int
    very_satisfied_from: int
    target: Annotated[float, Field(gt=0, le=1)]
    items: list[SurveyItem]
    comment: Comment

    @model_validator(mode="after")
    def _check(self) -> SurveyTemplate:
        if not self.scale.min <= self.satisfied_from <= self.very_satisfied_from <= self.scale.max:
            raise ValueError("seuils de satisfaction hors de l'échelle ou dans le désordre")
        return self


class CatalogueIndicator(_Model):
    """One indicator a structure may track: its code, the engagement it measures
    ("E 3.1"), its unit and direction, its default target (none when the reference
    dashboard sets none) and where its values come from."""

    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)]
    label: Annotated[str, Field(min_length=1, max_length=200)]
    theme: str = ""
    # The section of the dashboard as the committee's review names it, where it differs
    # from the theme (the délais of titles sit under « Site internet », as online
    # procedures); empty: the theme.
    section: Annotated[str, Field(max_length=120)] = ""
    engagement: Annotated[str, Field(max_length=20)] = ""
    unit: Literal["percent", "days", "count"]
    direction: Literal["ge", "le"]
    target: float | None = None
    source: Literal[
        "entered", "register_on_time", "register_delay", "survey", "mystery_calls", "barometer"
    ] = "entered"
    parameter: Annotated[str, Field(max_length=80)] = ""
    periodicity: Literal["year", "quarter", "month"] = "year"

    @model_validator(mode="before")
    @classmethod
    def _section_defaults_to_theme(cls, data: object) -> object:
        if isinstance(data, dict) and not data.get("section"):
            return {**data, "section": data.get("theme", "")}
        return data

    @model_validator(mode="after")
    def _check(self) -> CatalogueIndicator:
        if self.source in ("survey", "mystery_calls") and not self.parameter:
            raise ValueError(f"{self.code} : la source « {self.source} » demande un paramètre")
        if self.unit == "percent" and self.target is not None and not 0 <= self.target <= 100:
            raise ValueError(f"{self.code} : cible hors de 0 à 100 %")
        return self


class CatalogueSection(_Model):
    """A section of the quality dashboard, in the review's order: « Téléphonie », within
    the part « Relation générale avec les usagers »."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    part: Annotated[str, Field(max_length=120)] = ""


class IndicatorCatalogue(_Model):
    id: str
    version: int
    sections: list[CatalogueSection] = []
    indicators: list[CatalogueIndicator]

    @model_validator(mode="after")
    def _unique(self) -> IndicatorCatalogue:
        codes = [i.code for i in self.indicators]
        doubles = sorted({c for c in codes if codes.count(c) > 1})
        if doubles:
            raise ValueError(f"codes en double : {', '.join(doubles)}")
        return self

    @model_validator(mode="after")
    def _sections(self) -> IndicatorCatalogue:
        """Every indicator has a section, and it is one of the listed sections."""
        if not self.sections:
            return self
        names = {s.name for s in self.sections}
        for item in self.indicators:
            if item.section not in names:
                raise ValueError(f"{item.code} : section inconnue « {item.section} »")
        return self

    def section(self, name: str) -> CatalogueSection | None:
        return next((s for s in self.sections if s.name == name), None)

    def get(self, code: str) -> CatalogueIndicator | None:
        return next((i for i in self.indicators if i.code == code), None)


def _load[M: BaseModel](name: str, model: type[M]) -> M:
    path = DATA_DIR / name
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise EngineError(f"fichier de référence invalide : {exc}", path=name) from None


@lru_cache(maxsize=1)
def sp_engagements() -> Engagements:
    return _load("sp-engagements.yaml", Engagements)


@lru_cache(maxsize=1)
def sp_survey_template() -> SurveyTemplate:
    template = _load("sp-survey.yaml", SurveyTemplate)
    known = {e.id for e in sp_engagements().engagements}
    unknown = [item.id for item in template.items if item.engagement not in known]
    if unknown:
        raise EngineError(f"engagement inconnu pour : {', '.join(unknown)}", path="sp-survey.yaml")
    return template


@lru_cache(maxsize=1)
def sp_indicator_catalogue() -> IndicatorCatalogue:
    return _load("sp-indicateurs.yaml", IndicatorCatalogue)
