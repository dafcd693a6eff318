from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "barometre.core"
    verbose_name = "Socle"

    def ready(self):
        from django.conf import settings

        from barometre.core import checks  # noqa: F401 - registers the system checks
        from barometre.engine import sandbox

        # Every untrusted spreadsheet is parsed in a child under these limits.
        sandbox.configure(
            sandbox.ChildLimits(
                memory_mb=settings.PARSER_MEMORY_MB,
                cpu_seconds=settings.PARSER_CPU_SECONDS,
                timeout_seconds=settings.PARSER_TIMEOUT_SECONDS,
            )
        )
