"""A web server process loads its heavy libraries at start, unless told not to."""

import sys

import pytest

from barometre.core import warmup
from barometre.engine import names


@pytest.mark.slow
def test_the_web_process_imports_the_pdf_and_theme_libraries_at_start(settings):
    settings.BAROMETRE_WARM_UP = True
    assert warmup.warm_up() == [
        "weasyprint",
        "sklearn.decomposition",
        "sklearn.feature_extraction.text",
        "fr_core_news_sm",
    ]
    assert all(name in sys.modules for name in warmup.MODULES)
    assert names._loaded is not None  # the French model of name masking


def test_the_warm_up_can_be_turned_off(settings):
    settings.BAROMETRE_WARM_UP = False
    assert warmup.warm_up() == []
