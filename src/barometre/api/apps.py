from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "barometre.api"
    verbose_name = "API"
