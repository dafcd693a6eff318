"""Forms of the public pages, without an account (``public_views``): the feedback form.
The online survey answer form is ``survey_forms.SurveyForm``."""

from django import forms

from barometre.core.forms import DsfrForm
from barometre.improvement.form_widgets import TOUCH_FIELD, TouchRadioSelect
from barometre.improvement.models import FeedbackKind


class PublicFeedbackForm(DsfrForm):
    kind = forms.ChoiceField(
        label="Votre message est",
        template_name=TOUCH_FIELD,
        widget=TouchRadioSelect(stacked=True),
        choices=[
            (FeedbackKind.COMPLAINT, "une réclamation"),
            (FeedbackKind.SUGGESTION, "une suggestion"),
            (FeedbackKind.THANKS, "un remerciement"),
            (FeedbackKind.INFORMATION, "une demande d'information"),
        ],
    )
    subject = forms.CharField(label="Objet", max_length=200)
    description = forms.CharField(
        label="Votre message", max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    contact_email = forms.EmailField(
        label="Votre adresse électronique",
        required=False,
        help_text="Facultatif : pour recevoir l'accusé de réception et la réponse.",
    )
    submission_key = forms.CharField(widget=forms.HiddenInput)
    site_web = forms.CharField(
        label="Laissez ce champ vide",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
