from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "barometre.accounts"
    verbose_name = "Comptes et rôles"

    def ready(self):
        from barometre.accounts import journal  # noqa: F401 (connects the role signals)
