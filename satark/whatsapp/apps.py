from django.apps import AppConfig


class WhatsappConfig(AppConfig):
    name = "satark.whatsapp"
    label = "whatsapp"
