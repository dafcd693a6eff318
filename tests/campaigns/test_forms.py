from django import forms

from barometre.campaigns.forms import AuditForm
from barometre.engine import shipped_grid

GRID = shipped_grid()


def test_every_measure_type_gets_its_field():
    phone = AuditForm(grid=GRID, channel="phone")
    assert [c for c, _ in phone.fields["phone.answered"].choices] == ["oui", "non"]
    assert [c for c, _ in phone.fields["phone.ivr_clear"].choices] == ["oui", "non", "na"]
    assert [c for c, _ in phone.fields["phone.answer_quality"].choices] == [
        "complete",
        "partial",
        "wrong",
    ]
    assert isinstance(phone.fields["phone.rings"], forms.IntegerField)
    assert (
        phone.fields["phone.wait_seconds"].label == "Attente avant de parler à un agent (secondes)"
    )
    assert phone.fields["phone.rings"].label == "Nombre de sonneries avant le décroché (sonneries)"
    visit = AuditForm(grid=GRID, channel="visit")
    assert visit.fields["visit.wait_minutes"].label == "Attente avant d'être reçu (minutes)"
    assert isinstance(phone.fields["phone.observations"].widget, forms.Textarea)
    email = AuditForm(grid=GRID, channel="email")
    assert "email.reply_delay" not in email.fields  # computed from the two dates
    reviews = AuditForm(grid=GRID, channel="reviews")
    assert isinstance(reviews.fields["reviews.answer_rate"], forms.DecimalField)
    assert reviews.fields["reviews.answer_rate"].label.endswith("(%)")
    assert isinstance(reviews.fields["reviews.answer_delay"], forms.DecimalField)
    assert (
        phone.fields["phone.ivr_clear"].help_text
        == "« Sans objet » s'il n'y a pas de serveur vocal."
    )


def test_answers_are_stored_as_the_engine_reads_them():
    data = {
        "reviews.listing_up_to_date": "oui",
        "reviews.answer_rate": "62.5",
        "reviews.negative_answered__na": "on",
        "reviews.personalised": "fair",
        "reviews.answer_delay": "3",
        "reviews.courtesy": "oui",
    }
    form = AuditForm(data, grid=GRID, channel="reviews")
    assert form.is_valid(), form.errors
    assert form.answers() == {
        "reviews.listing_up_to_date": "oui",
        "reviews.answer_rate": "62,5 %",
        "reviews.negative_answered": "sans objet",
        "reviews.personalised": "fair",
        "reviews.answer_delay": "3",
        "reviews.courtesy": "oui",
    }


def test_answers_depending_on_a_failed_prerequisite_may_stay_empty():
    form = AuditForm(
        {"phone.number_consistent": "oui", "phone.answered": "non"}, grid=GRID, channel="phone"
    )
    assert form.is_valid(), form.errors
    incomplete = AuditForm({"phone.answered": "oui"}, grid=GRID, channel="phone")
    assert not incomplete.is_valid()
    assert incomplete.errors["phone.rings"] == ["Réponse obligatoire."]
    assert "phone.observations" not in incomplete.errors


def test_out_of_range_values_are_refused():
    form = AuditForm({"reviews.answer_rate": "140"}, grid=GRID, channel="reviews")
    assert not form.is_valid()
    assert "inférieure ou égale à 100" in form.errors["reviews.answer_rate"][0]


def test_a_number_and_not_applicable_together_are_refused():
    form = AuditForm(
        {"reviews.negative_answered": "50", "reviews.negative_answered__na": "on"},
        grid=GRID,
        channel="reviews",
    )
    assert not form.is_valid()
    assert form.errors["reviews.negative_answered"] == [
        "Donnez une valeur ou cochez « sans objet », pas les deux."
    ]
