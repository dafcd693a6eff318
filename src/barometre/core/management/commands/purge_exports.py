from django.conf import settings
from django.core.management.base import BaseCommand

from barometre.core.deferred import purge_expired
from barometre.core.figures import count_of, plural


class Command(BaseCommand):
    help = (
        "Supprime les exports en arrière-plan terminés depuis plus de "
        "BAROMETRE_EXPORT_KEEP_HOURS heures, et leurs fichiers. À lancer chaque jour (une "
        "demande d'export le fait aussi)."
    )

    def handle(self, *args, **options):
        removed = purge_expired()
        self.stdout.write(
            f"{count_of(removed, 'export')} de plus de {settings.BAROMETRE_EXPORT_KEEP_HOURS} "
            f"heures supprimé{plural(removed)} avec leur fichier."
        )
