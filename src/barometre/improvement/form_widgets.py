"""Widgets the improvement app's forms share: the date input and the touch-sized radio
boxes of the forms people fill in on a phone."""

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TouchRadioSelect(forms.RadioSelect):
    """Choices as boxes of at least 44 × 44 px, for the public forms people fill in on a
    phone: on one row when there is room for every choice, otherwise (``stacked``, on a
    narrow screen) one choice per line, so that a scale never breaks in the middle."""

    def __init__(self, *args, stacked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.stacked = stacked


TOUCH_FIELD = "improvement/touch_radio_field.html"
# Beyond seven choices, a row of 44-px boxes no longer fits a 390-px phone.
ROW_MAX = 7


def touch_radios(choices, *, words: bool) -> TouchRadioSelect:
    return TouchRadioSelect(choices=choices, stacked=words or len(choices) > ROW_MAX)
