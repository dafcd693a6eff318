from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "barometre.web"
    verbose_name = "Interface"
