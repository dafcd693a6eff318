from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "barometre.demo"
    verbose_name = "Démonstration"
