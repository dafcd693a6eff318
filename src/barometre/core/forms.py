"""Forms rendered with the DSFR's field markup (labels, hints, error descriptions)."""

from typing import TYPE_CHECKING, Any

from django import forms
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr

from barometre.core.uploads import UploadRefused, check_import_file

if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class DsfrFormMixin(_FormBase):
    template_name = "dsfr/form_snippet.html"
    bound_field_class = DsfrBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)

    def get_context(self) -> dict[str, Any]:
        context = super().get_context()
        # The DSFR now marks optional fields rather than required ones.
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class DsfrForm(DsfrFormMixin, forms.Form):
    pass


class DsfrModelForm(DsfrFormMixin, forms.ModelForm):
    pass


class ImportFileField(forms.FileField):
    """A spreadsheet to import, measured before it is stored (``check_import_file``): a
    workbook too large to read safely is refused here, with the reason in French."""

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded:
            try:
                check_import_file(uploaded)
            except UploadRefused as exc:
                raise forms.ValidationError(str(exc)) from None
        return uploaded
