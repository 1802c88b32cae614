from django.urls import path

from . import views

urlpatterns = [path("webhooks/whatsapp/", views.webhook, name="whatsapp-webhook")]
