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


def _several_machines() -> bool:
    """A shared cache is configured for several web processes on several machines."""
    return bool(settings.CACHE_URL)


@register(deploy=True)
def sqlite_on_several_machines(app_configs, **kwargs):
    if _several_machines() and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return [
            Warning(
                "BAROMETRE_CACHE_URL partage un cache entre plusieurs machines, mais la base "
                "est un fichier SQLite : chaque machine aurait la sienne.",
                hint="Donnez DATABASE_URL=postgres://… commun à toutes les machines "
                "(docs/deployment.md).",
                id="barometre.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def local_files_on_several_machines(app_configs, **kwargs):
    local = settings.STORAGES["default"]["BACKEND"] == "barometre.core.disk.LocalStorage"
    if _several_machines() and local:
        return [
            Warning(
                "BAROMETRE_CACHE_URL partage un cache entre plusieurs machines, mais les "
                "fichiers déposés (pièces, logos, imports, exports) restent sur le disque "
                "local : une pièce déposée sur une machine manquerait aux autres.",
                hint="Utilisez un stockage objet : BAROMETRE_STORAGE_BACKEND="
                "storages.backends.s3.S3Storage (docs/deployment.md).",
                id="barometre.W003",
            )
        ]
    return []


_TASKS_LOST = {
    "django.tasks.backends.immediate.ImmediateBackend": "exécutées pendant la requête web, "
    "qui attendrait la fin d'un calcul ou d'un lot de rapports",
    "django.tasks.backends.dummy.DummyBackend": "jamais exécutées",
}


@register(deploy=True)
def tasks_run_by_a_worker(app_configs, **kwargs):
    backend = settings.TASKS["default"]["BACKEND"]
    if backend in _TASKS_LOST:
        return [
            Warning(
                f"BAROMETRE_TASK_BACKEND={backend} : les tâches de fond seraient "
                f"{_TASKS_LOST[backend]}.",
                hint="Laissez django_tasks_db.DatabaseBackend et lancez « barometre worker ».",
                id="barometre.W004",
            )
        ]
    return []


@register(deploy=True)
def mail_is_sent(app_configs, **kwargs):
    if str(settings.MAILERS["default"]["BACKEND"]).endswith(".console.EmailBackend"):
        return [
            Warning(
                "BAROMETRE_EMAIL_HOST est vide : les courriels (invitations, accusés de "
                "réception, relances) seraient écrits dans le journal au lieu d'être envoyés.",
                hint="Donnez le serveur SMTP (BAROMETRE_EMAIL_HOST, _PORT, _USER, _PASSWORD).",
                id="barometre.W005",
            )
        ]
    return []


@register(deploy=True)
def public_address(app_configs, **kwargs):
    url = settings.BAROMETRE_SITE_URL
    if not url.startswith("https://") or "://localhost" in url or "://127.0.0.1" in url:
        return [
            Warning(
                f"BAROMETRE_SITE_URL vaut {url!r} : les QR codes, affiches et courriels "
                "mèneraient à une adresse que les usagers ne peuvent pas ouvrir.",
                hint="Donnez l'adresse publique en https:// (https://barometre.example.fr).",
                id="barometre.W006",
            )
        ]
    return []


# Beyond this, a publication would take too long to reach a visitor behind a cache.
PUBLIC_MAX_AGE_LIMIT = 300


@register(deploy=True)
def public_pages_kept_briefly(app_configs, **kwargs):
    kept = settings.BAROMETRE_PUBLIC_MAX_AGE + settings.BAROMETRE_PUBLIC_STALE_SECONDS
    if kept > PUBLIC_MAX_AGE_LIMIT:
        return [
            Warning(
                f"BAROMETRE_PUBLIC_MAX_AGE et BAROMETRE_PUBLIC_STALE_SECONDS laissent les "
                f"navigateurs et le cache du répartiteur servir une page publique jusqu'à "
                f"{kept} s après une publication ou une correction.",
                hint=f"Gardez leur somme sous {PUBLIC_MAX_AGE_LIMIT} s (0 et 0 par défaut).",
                id="barometre.W007",
            )
        ]
    return []
