import pytest

from barometre.engine import EngineError, MeasureType, parse_grid, shipped_grid

from .helpers import SMALL_GRID


def test_the_shipped_grid_covers_seven_channels_with_over_sixty_criteria():
    grid = shipped_grid("barometre-2025")
    scored = [c for c in grid.criteria if c.scored]
    assert len(scored) >= 60
    assert {c.channel for c in scored} == {
        "phone",
        "email",
        "mail",
        "website",
        "social",
        "visit",
        "reviews",
    }
    assert len(grid.determinants) == 8
    assert {c.measure.type for c in grid.criteria} >= set(MeasureType)
    assert all(c.recommendation for c in scored)
    assert sum(ch.planned_audits for ch in grid.channels) == 11


def test_the_shipped_grid_tags_every_key_figure():
    tags = {t for c in shipped_grid().criteria for t in c.key_figures}
    assert tags >= {
        "phone_first_attempt",
        "phone_rings",
        "email_answered",
        "email_reply_delay",
        "mail_answered",
        "mail_reply_delay",
        "social_answered",
        "social_reply_delay",
        "website_online_procedures",
        "website_digital_help",
    }


def _broken(old: str, new: str) -> str:
    assert old in SMALL_GRID
    return SMALL_GRID.replace(old, new, 1)


CASES = [
    (
        _broken(
            "    determinant: quality\n    weight: 3", "    determinant: politesse\n    weight: 3"
        ),
        "criteria[4] (phone.quality).determinant : déterminant inconnu « politesse »",
    ),
    (
        _broken("determinant: accessibility, weight: 2", "determinant: accessibility, weight: 0"),
        "criteria[0].weight (ligne 16) : Input should be greater than 0",
    ),
    (
        _broken(
            "steps: [{bound: 3, points: 1}, {bound: 5, points: 0.5}]",
            "steps: [{bound: 5, points: 1}, {bound: 3, points: 0.5}]",
        ),
        "criteria[1].scoring (ligne 19) : seuils non ordonnés : les bornes doivent aller en ordre "
        "croissant",
    ),
    (
        _broken("id: phone.wait", "id: phone.rings"),
        "criteria : identifiant en double « phone.rings »",
    ),
    (
        _broken(
            "measure: {type: yes_no}, knock_out",
            "measure: {type: yes_no}, prerequisites: [phone.quality], knock_out",
        ),
        "criteria : prérequis circulaires",
    ),
    (
        _broken("measure: {type: count}", "measure: {type: count}, not_applicable: peut-être"),
        "criteria[1].not_applicable (ligne 18) : Input should be a valid boolean",
    ),
    (
        _broken(
            "prerequisites: [email.replied],\n     scoring",
            "prerequisites: [phone.answered],\n     scoring",
        ),
        "criteria[7] (email.delay).prerequisites : « phone.answered » est d'un autre canal",
    ),
    ("id: x\ntitle: [non fermé\n", "grille (ligne 3) : YAML illisible"),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[1][:30] for c in CASES])
def test_grid_errors_name_the_path_the_line_and_the_reason(text, expected):
    with pytest.raises(EngineError) as caught:
        parse_grid(text)
    assert expected in str(caught.value)


def test_a_grid_error_carries_its_path_and_line():
    with pytest.raises(EngineError) as caught:
        parse_grid(CASES[1][0])
    assert (caught.value.path, caught.value.line) == ("criteria[0].weight", 16)


def test_services_publics_plus_reference_data():
    from barometre.engine import sp_engagements, sp_survey_template

    engagements = sp_engagements()
    assert [e.number for e in engagements.engagements] == list(range(1, 9))
    assert "délais annoncés" in engagements.engagements[3].label
    template = sp_survey_template()
    ids = [item.id for item in template.items]
    assert ids[-1] == "overall" and "digital_desk" in ids
    assert (template.scale.min, template.scale.max, template.target) == (1, 10, 0.85)
    desk = next(i for i in template.items if i.id == "digital_desk")
    assert desk.conditional  # asked only to users who used it


def test_every_channel_of_the_shipped_grid_has_the_auditors_observations():
    grid = shipped_grid()
    for channel in grid.channel_ids:
        texts = [c for c in grid.criteria if c.channel == channel and not c.scored]
        assert [c.label for c in texts] == ["Observations de l'enquêteur"], channel
        assert texts[0].id == f"{channel}.observations"


def test_a_channel_without_free_text_gets_observations_after_the_declared_criteria():
    grid = parse_grid(SMALL_GRID)
    added = grid.criteria_by_id["email.observations"]
    assert grid.criteria[-1] == added and not added.scored
    assert (added.label, added.stage, added.determinant) == (
        "Observations de l'enquêteur",
        "handling",
        "quality",
    )
    # A channel that declares its own free text keeps it and gets nothing more.
    assert [c.id for c in grid.criteria if c.channel == "phone" and not c.scored] == ["phone.note"]
