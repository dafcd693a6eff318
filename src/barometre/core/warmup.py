"""What a web server process loads before its first request instead of during it.

WeasyPrint (PDF documents, about 0.6 s and 40 MiB to import) and scikit-learn's text
tools (the themes of survey comments, about 1 s and 110 MiB) are imported on first use
elsewhere, so that commands and tests that never need them do not pay for them. A web
process serves both sooner or later: loaded at its start (``barometre.wsgi``), the first
user to open a PDF or a survey's results after a restart no longer waits for the import.
Under ``gunicorn --preload`` the modules are loaded once, before the workers are forked,
and their memory is shared between workers. ``BAROMETRE_WARM_UP=false`` turns this off
(a small machine short of memory).

The French model that masks names in free text (``engine.names``, a few seconds and about
270 MB with spaCy and Presidio) is loaded too: a web process masks every public complaint
and survey comment when storing it, and the first one after a restart would otherwise
wait for the model; preloaded, the workers share its memory."""

import importlib

from django.conf import settings

from barometre.engine import names

MODULES = ("weasyprint", "sklearn.decomposition", "sklearn.feature_extraction.text")
NAMES_MODEL = "fr_core_news_sm"


def warm_up() -> list[str]:
    """Import the modules a web process will need; returns those imported."""
    if not settings.BAROMETRE_WARM_UP:
        return []
    for name in MODULES:
        importlib.import_module(name)
    names.load()
    return [*MODULES, NAMES_MODEL]
