from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "satark.messaging"
    label = "messaging"
