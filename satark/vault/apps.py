from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "satark.vault"
    label = "vault"
