"""Every field of every form is labelled in French: a model field without a French
``verbose_name`` shows its English identifier (« Status * ») on the page."""

import importlib
import inspect
import pkgutil

from django import forms
from django.forms.utils import pretty_name

import barometre

# Identifiers that are also the French word for what they hold.
FRENCH_ALREADY = {
    "code",
    "persona",
    "organisation",
    "position",
    "source",
    "sessions",
    "questionnaire",
    "version",
    "logo",
    "population",
    "structure",
    "format",
}


def _form_classes():
    for info in pkgutil.walk_packages(barometre.__path__, "barometre."):
        last = info.name.rsplit(".", 1)[-1]
        if last == "forms" or last.endswith("_forms") or last.endswith("views"):
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_no_form_shows_an_english_identifier_as_its_label():
    english = []
    classes = list(_form_classes())
    for cls in classes:
        for name, field in cls.base_fields.items():
            if isinstance(field.widget, forms.HiddenInput) or name in FRENCH_ALREADY:
                continue
            label = field.label
            if label is None and issubclass(cls, forms.ModelForm):
                try:
                    label = str(cls._meta.model._meta.get_field(name).verbose_name)
                except Exception:  # a form field of its own, labelled by Django
                    label = None
            if label is None or label.lower() in (
                name.replace("_", " "),
                pretty_name(name).lower(),
            ):
                english.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert len(classes) > 30
    assert not english, f"champs sans libellé français : {english}"
