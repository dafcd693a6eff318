"""System checks of the platform's own settings (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_count_behind_a_proxy(app_configs, **kwargs):
    """Behind a proxy (BAROMETRE_BEHIND_PROXY) with BAROMETRE_PROXY_COUNT=0, every client
    has the proxy's address: five wrong passwords typed by anyone lock a user out for all,
    and the public forms' limit is shared by everyone."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.BAROMETRE_PROXY_COUNT == 0:
        return [
            Warning(
                "BAROMETRE_BEHIND_PROXY est activé mais BAROMETRE_PROXY_COUNT vaut 0 : tous "
                "les clients ont l'adresse du proxy. Cinq mauvais mots de passe tapés par "
                "n'importe qui bloqueraient l'utilisateur visé pour tout le monde, et la "
                "limite d'envois des formulaires publics serait commune à tous.",
                hint="Mettez BAROMETRE_PROXY_COUNT au nombre de proxys inverses devant le "
                "serveur (1 pour un seul nginx) : voir docs/operations.md.",
                id="barometre.W001",
            )
        ]
    return []
