from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "barometre.improvement"
    verbose_name = "Amélioration continue (Services Publics+)"
