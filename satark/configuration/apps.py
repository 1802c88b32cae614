from django.apps import AppConfig


class ConfigurationConfig(AppConfig):
    name = "satark.configuration"
    label = "configuration"
    verbose_name = "Reference data (audited)"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.views import redirect_to_login
        from django.http import HttpRequest, HttpResponse

        def login_through_the_staff_page(request: HttpRequest, extra_context: object = None) -> HttpResponse:
            """The admin signs in like everyone else: password, throttled, then the second factor."""
            return redirect_to_login(request.GET.get("next") or "/admin/", "/login/")

        admin.site.login = login_through_the_staff_page  # type: ignore[method-assign]
