from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "satark.dashboard"
    label = "dashboard"
