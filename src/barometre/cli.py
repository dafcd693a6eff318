"""The ``barometre`` command: the same commands as manage.py, with a friendlier help."""

import os
import sys

COMMANDS = {
    "demo": "prépare la base de démonstration et lance l'application",
    "serve": "lance l'application web et le travailleur des tâches de fond",
    "score": "calcule une édition sur fichiers (grille + réponses), sans base de données",
    "import-structures": "vérifie (et avec --commit, enregistre) un fichier de structures",
    "import-annuaire": "vérifie (et avec --commit, enregistre) des fiches de l'Annuaire (JSON)",
    "import-populations": "met à jour les populations des communes depuis un fichier INSEE",
    "import-experiences": "vérifie (et avec --commit, enregistre) des expériences SP+",
    "export-structures": "exporte le registre des structures en XLSX ou CSV",
    "export-audits": "exporte les audits validés d'une édition (format long, XLSX ou CSV)",
    "import-audits": "vérifie (et avec --commit, enregistre) un fichier d'audits pour une édition",
    "close_unanswered_audits": "clôt en « sans réponse » les audits en attente après le terrain",
    "remask-texts": "masque à nouveau les noms et coordonnées dans les textes libres enregistrés",
    "migrate": "met la base de données à jour",
    "createsuperuser": "crée un compte d'administration",
    "worker": "exécute les tâches de fond (imports, calculs, rapports) ; survit aux "
    "redémarrages de la base",
    "daily": "lance les commandes quotidiennes (--every-day-at HH:MM : chaque jour, Procfile)",
    "purge_exports": "supprime les exports en arrière-plan trop anciens et leurs fichiers",
}

HELP = """Baromètre — audits mystères et amélioration continue des services publics

Usage : barometre COMMANDE [options]

Commandes principales :
{commands}

Toutes les commandes de Django (manage.py) sont aussi disponibles : barometre help --all.
Aide d'une commande : barometre COMMANDE --help
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    # The demo runs with debug off, as users will see it (see barometre/settings/demo.py).
    settings = "demo" if argv[1:2] == ["demo"] else "main"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"barometre.settings.{settings}")
    if len(argv) < 2 or (argv[1] in {"-h", "--help", "help"} and "--all" not in argv):
        width = max(len(name) for name in COMMANDS)
        lines = "\n".join(f"  {name:<{width}}  {text}" for name, text in COMMANDS.items())
        sys.stdout.write(HELP.format(commands=lines))
        return
    if argv[1] == "score":
        from barometre.engine.command import main as score

        sys.exit(score(argv[2:]))
    if argv[1] == "help" and "--all" in argv:
        argv = [argv[0], "help"]
    argv[1] = argv[1].replace("-", "_") if argv[1] in COMMANDS else argv[1]
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        _load_settings(help_only=argv[1] == "help" or bool({"-h", "--help"} & set(argv[2:])))
        execute_from_command_line(["barometre", *argv[1:]])
    except ImproperlyConfigured as exc:
        # A missing or wrong setting is the operator's to fix: one line, not a traceback.
        sys.stderr.write(f"barometre : configuration incomplète : {exc}\n")
        sys.exit(2)


def _load_settings(*, help_only: bool) -> None:
    """Import the settings now, so that a configuration problem is reported as such.
    Help needs no configuration: when it is all that is asked and the settings cannot be
    loaded, they are loaded from their defaults instead (nothing is run, served or
    stored)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - imports the settings module
    except ImproperlyConfigured:
        if not help_only:
            raise
        for name in [n for n in os.environ if n.startswith("BAROMETRE_")]:
            del os.environ[name]
        os.environ.pop("DATABASE_URL", None)
        os.environ["BAROMETRE_DEBUG"] = "true"
        settings.INSTALLED_APPS  # noqa: B018


if __name__ == "__main__":
    main()
