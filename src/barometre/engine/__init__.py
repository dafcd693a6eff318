"""Django-free scoring engine: grids, scores, calendars and statistics.

Everything public is re-exported here; the rest of the platform imports only from
``barometre.engine``.
"""

from barometre.engine.answers import (
    CanonicalAnswers,
    PreparedAnswers,
    canonical_answers,
    prepare_answers,
    prerequisite_blocks,
    prerequisite_failed,
)
from barometre.engine.calendars import DayUnit, add_days, days_between, holidays_for, is_off
from barometre.engine.errors import EngineError, InputProblem, InputRejected
from barometre.engine.explain import CriterionLine, Explained, explain_audit
from barometre.engine.french import after, elides, plural, sentence_name
from barometre.engine.grid import (
    ChannelSpec,
    Criterion,
    Grid,
    MeasureType,
    Satisfaction,
    load_grid,
    parse_grid,
    shipped_grid,
)
from barometre.engine.keyfigures import KEY_FIGURES, KeyFigureSpec
from barometre.engine.names import find_personal_data, mask_names
from barometre.engine.privacy import mask_personal_data
from barometre.engine.programme import (
    CatalogueIndicator,
    CatalogueSection,
    Engagements,
    IndicatorCatalogue,
    SurveyTemplate,
    sp_engagements,
    sp_indicator_catalogue,
    sp_survey_template,
)
from barometre.engine.ranking import RankingOptions
from barometre.engine.results import (
    EditionResults,
    compare_editions,
    national_change,
    restrict_grid,
    score_edition,
)
from barometre.engine.satisfaction import stage_satisfaction
from barometre.engine.stats import (
    Z90,
    Estimate,
    FunnelLimits,
    cohen_kappa,
    funnel_limits,
    funnel_sigma,
    mean_interval,
    wilson,
)
from barometre.engine.territory import (
    ALSACE_MOSELLE,
    COLLECTIVITIES,
    DEPARTMENTS,
    OVERSEAS,
    TERRITORIES,
    department_in_sentence,
    department_label,
    department_of_commune,
    normalize_department,
)
from barometre.engine.themes import Theme, comment_themes

__all__ = [
    "ALSACE_MOSELLE",
    "COLLECTIVITIES",
    "DEPARTMENTS",
    "KEY_FIGURES",
    "OVERSEAS",
    "TERRITORIES",
    "Z90",
    "CanonicalAnswers",
    "CatalogueIndicator",
    "CatalogueSection",
    "ChannelSpec",
    "Criterion",
    "CriterionLine",
    "DayUnit",
    "EditionResults",
    "Engagements",
    "EngineError",
    "Estimate",
    "Explained",
    "FunnelLimits",
    "Grid",
    "IndicatorCatalogue",
    "InputProblem",
    "InputRejected",
    "KeyFigureSpec",
    "MeasureType",
    "PreparedAnswers",
    "RankingOptions",
    "Satisfaction",
    "SurveyTemplate",
    "Theme",
    "add_days",
    "after",
    "canonical_answers",
    "cohen_kappa",
    "comment_themes",
    "compare_editions",
    "days_between",
    "department_in_sentence",
    "department_label",
    "department_of_commune",
    "elides",
    "explain_audit",
    "find_personal_data",
    "funnel_limits",
    "funnel_sigma",
    "holidays_for",
    "is_off",
    "load_grid",
    "mask_names",
    "mask_personal_data",
    "mean_interval",
    "national_change",
    "normalize_department",
    "parse_grid",
    "plural",
    "prepare_answers",
    "prerequisite_blocks",
    "prerequisite_failed",
    "restrict_grid",
    "score_edition",
    "sentence_name",
    "shipped_grid",
    "sp_engagements",
    "sp_indicator_catalogue",
    "sp_survey_template",
    "stage_satisfaction",
    "wilson",
]
