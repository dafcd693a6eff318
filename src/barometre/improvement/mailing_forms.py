"""Form of the survey mailings (``mailing_views``)."""

from django import forms

from barometre.core.forms import DsfrForm


class MailingForm(DsfrForm):
    file = forms.FileField(
        label="Liste des adresses (CSV ou XLSX)",
        help_text="Une colonne « courriel », une adresse par ligne ; le fichier est vérifié en "
        "entier avant tout envoi.",
    )
    closes_on = forms.DateField(
        label="Clôture de l'enquête",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Après cette date, les liens n'acceptent plus de réponse et les adresses "
        "sont effacées.",
    )
