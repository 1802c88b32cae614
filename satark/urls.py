from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("satark.whatsapp.urls")),
    path("", include("satark.dashboard.urls")),
]
