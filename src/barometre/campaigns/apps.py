from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "barometre.campaigns"
    verbose_name = "Éditions et terrain"
