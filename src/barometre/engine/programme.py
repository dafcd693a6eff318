"""Services Publics+ reference data shipped with the engine: the engagements with their
maturity scale, and the satisfaction-survey template."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

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


def _load(name: str, model):
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
