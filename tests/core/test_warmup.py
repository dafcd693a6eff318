"""A web server process loads its heavy libraries at start, unless told not to."""

import sys

from barometre.core import warmup


def test_the_web_process_imports_the_pdf_and_theme_libraries_at_start(settings):
    settings.BAROMETRE_WARM_UP = True
    assert warmup.warm_up() == [
        "weasyprint",
        "sklearn.decomposition",
        "sklearn.feature_extraction.text",
    ]
    assert all(name in sys.modules for name in warmup.MODULES)


def test_the_warm_up_can_be_turned_off(settings):
    settings.BAROMETRE_WARM_UP = False
    assert warmup.warm_up() == []
