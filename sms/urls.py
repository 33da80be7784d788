from django.urls import path

from sms import views

app_name = "sms"

urlpatterns = [
    # One address per gateway: /sms/twilio/ (sms/gateways.py, GATEWAYS).
    path("sms/<slug:gateway>/", views.webhook, name="webhook"),
]
