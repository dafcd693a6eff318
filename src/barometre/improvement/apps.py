from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "barometre.improvement"
    verbose_name = "Amélioration continue (Services Publics+)"

    def ready(self):
        from barometre.improvement import transparency  # noqa: F401 - connects its receivers
