from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "barometre.results"
    verbose_name = "Résultats"
