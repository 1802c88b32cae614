from django.apps import AppConfig


class PostersConfig(AppConfig):
    name = "satark.posters"
    label = "posters"
    verbose_name = "QR codes and posters"
