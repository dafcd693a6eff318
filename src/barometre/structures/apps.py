from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "barometre.structures"
    verbose_name = "Registre des structures"
