from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "satark.people"
    label = "people"
