from django.urls import path

from partners import vetting_views, views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("lieux/<int:pk>/", views.PartnerDetailView.as_view(), name="detail"),
    # Staff vetting: reports from the public, the venue's yearly re-confirmation.
    path("lieux/<int:pk>/signaler/", vetting_views.report, name="report"),
    path("lieux/<int:pk>/signaler/merci/", vetting_views.report_thanks, name="report_thanks"),
    path("mon-lieu/reconfirmer/merci/", vetting_views.reconfirm_done, name="reconfirm_done"),
    path("mon-lieu/reconfirmer/<str:token>/", vetting_views.reconfirm, name="reconfirm"),
]
