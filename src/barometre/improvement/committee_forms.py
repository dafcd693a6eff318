"""Forms of the users' committee and its minutes (``committee_views``)."""

from django import forms

from barometre.core.forms import DsfrModelForm
from barometre.improvement.form_widgets import DATE
from barometre.improvement.models import CommitteeMember, Decision, Meeting, Statement


class MemberForm(DsfrModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["name", "organisation", "role", "active"]


class MeetingForm(DsfrModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "title", "chair", "reviewed_year", "agenda", "attendees"]
        widgets = {
            "held_on": DATE,
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "attendees": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, structure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = CommitteeMember.objects.filter(structure=structure)


class StatementForm(DsfrModelForm):
    """One intervention; its place in the minutes is its row's (``number_rows``)."""

    class Meta:
        model = Statement
        fields = ["speaker", "speaker_role", "text", "question", "answer"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker_role"].required = True


class DecisionForm(DsfrModelForm):
    class Meta:
        model = Decision
        fields = ["text"]


# The minutes page adds and removes rows (improvement/meeting_form.html); no upper bound
# beyond Django's default safety limit of 1,000 rows.
StatementFormSet = forms.inlineformset_factory(
    Meeting, Statement, form=StatementForm, extra=1, can_delete=True
)


DecisionFormSet = forms.inlineformset_factory(
    Meeting, Decision, form=DecisionForm, extra=1, can_delete=True
)


def with_one_more_row(data, prefix: str):
    """The posted data of a formset with one more (empty) row: the page's "add a row"
    button without JavaScript, keeping every typed text."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    data[key] = str(int(data.get(key) or 0) + 1)
    return data
