from django.urls import include, path
from django.views.generic import RedirectView

from . import views
from .security import views as security

urlpatterns = [
    path("", RedirectView.as_view(url="/dashboard/", permanent=False)),
    path("login/", security.login_view, name="login"),
    path("login/verify/", security.verify_view, name="login-verify"),
    path("login/enrol/", security.enrol_view, name="login-enrol"),
    path("logout/", security.logout_view, name="logout"),
    path("language/", views.set_language, name="set-language"),
    path("dashboard/", views.home, name="dashboard-home"),
    path("dashboard/account/", security.account_view, name="account"),
    path("dashboard/tips/<str:reference>/", views.tip_detail, name="tip-detail"),
    path("dashboard/tips/<str:reference>/media/<uuid:asset_id>/", views.tip_media, name="tip-media"),
    path(
        "dashboard/tips/<str:reference>/media/<uuid:asset_id>/blurred/",
        views.tip_media_blurred,
        name="tip-media-blurred",
    ),
    path("dashboard/tips/<str:reference>/media/<uuid:asset_id>/reveal/", views.reveal_media, name="tip-media-reveal"),
    path("dashboard/tips/<str:reference>/<slug:action>/", views.tip_action, name="tip-action"),
    path("dashboard/analytics/", include("satark.dashboard.urls_analytics")),
]
