"""Analytics pages and exports, included from dashboard/urls.py under /dashboard/analytics/."""

from django.urls import path

from . import analytics_views as views

urlpatterns = [
    path("", views.analytics_home, name="analytics-home"),
    path("map/", views.hotspot_map, name="analytics-map"),
    path("stations/", views.stations, name="analytics-stations"),
    path("periods/", views.periods, name="analytics-periods"),
    path("sensitivity/", views.sensitivity, name="analytics-sensitivity"),
    path("export/<slug:kind>.<str:fmt>", views.export, name="analytics-export"),
    path("report.pdf", views.report_pdf, name="analytics-report"),
]
