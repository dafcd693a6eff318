"""Widgets the improvement app's forms share: the date input and the touch-sized radio
boxes of the forms people fill in on a phone."""

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TouchRadioSelect(forms.RadioSelect):
    """Choices as boxes of at least 44 × 44 px, for the public forms people fill in on a
    phone: on one row when there is room for every choice. Otherwise, on a narrow screen,
    choices in words go one per line (``stacked``) and a scale of numbers on two rows of
    ``per_row`` boxes (1 to 5 above 6 to 10): a column of ten tiles made the survey about
    7,300 px long at 390 px."""

    def __init__(self, *args, stacked: bool = False, per_row: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stacked = stacked
        self.per_row = per_row

    @property
    def layout(self) -> str:
        """The class that lays the boxes out on a narrow screen (app.css)."""
        if self.stacked:
            return "barometre-choices--stacked"
        return f"barometre-choices--per-row-{self.per_row}" if self.per_row else ""


TOUCH_FIELD = "improvement/touch_radio_field.html"
# Beyond seven choices, a row of 44-px boxes no longer fits a 390-px phone; two rows of up
# to seven do (app.css has a class for 4 to 7 boxes a row).
ROW_MAX = 7


def touch_radios(choices, *, words: bool) -> TouchRadioSelect:
    count = len(choices)
    if count <= ROW_MAX:
        return TouchRadioSelect(choices=choices)
    if words or count > 2 * ROW_MAX:
        return TouchRadioSelect(choices=choices, stacked=True)
    return TouchRadioSelect(choices=choices, per_row=max(4, -(-count // 2)))
