from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("", RedirectView.as_view(url="/dashboard/", permanent=False)),
    path("login/", auth_views.LoginView.as_view(template_name="dashboard/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("dashboard/", views.home, name="dashboard-home"),
    path("dashboard/tips/<str:reference>/", views.tip_detail, name="tip-detail"),
    path("dashboard/tips/<str:reference>/media/<uuid:asset_id>/", views.tip_media, name="tip-media"),
    path("dashboard/tips/<str:reference>/<slug:action>/", views.tip_action, name="tip-action"),
]
