from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "barometre.accounts"
    verbose_name = "Comptes et rôles"
