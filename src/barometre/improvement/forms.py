"""The form of the app's entry pages (``views.py``): the structure's profile. Each
sub-domain has its own forms module, next to its views (``register_forms``,
``survey_forms``, ``indicator_forms``, ``plan_forms``, ``committee_forms``,
``mailing_forms``, ``public_forms``); the widgets they share are in ``form_widgets``."""

from django import forms

from barometre.core.forms import DsfrModelForm
from barometre.improvement.models import ImprovementProfile, Questionnaire


class ProfileForm(DsfrModelForm):
    class Meta:
        model = ImprovementProfile
        fields = ["approach", "publish_transparency", "publish_survey"]
        widgets = {"approach": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, structure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publish_survey"].queryset = Questionnaire.objects.filter(structure=structure)
