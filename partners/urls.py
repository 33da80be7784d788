from django.urls import path, reverse_lazy
from django.views.generic import TemplateView

from partners import join_views, vetting_views, views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("lieux/", views.partner_list, name="list"),
    path("lieux/<int:pk>/", views.PartnerDetailView.as_view(), name="detail"),
    # The venue's journey.
    path("rejoindre/", join_views.join, name="join"),
    path("rejoindre/formulaire/", join_views.join_form, name="join_form"),
    path("rejoindre/localiser/", join_views.join_locate, name="join_locate"),
    path("rejoindre/merci/<str:ref>/", join_views.join_thanks, name="join_thanks"),
    path("rejoindre/confirmer/<str:token>/", join_views.join_confirm, name="join_confirm"),
    path("mon-lieu/", join_views.selfservice_request, name="selfservice_request"),
    path("mon-lieu/<str:token>/", join_views.selfservice, name="selfservice"),
    path(
        "mon-lieu/<str:token>/modifier/", join_views.selfservice_update, name="selfservice_update"
    ),
    path(
        "mon-lieu/<str:token>/quitter/",
        join_views.selfservice_withdraw,
        name="selfservice_withdraw",
    ),
    path("verif/", views.sticker_check_form, name="sticker_check_form"),
    path("verif/<str:number>/", views.sticker_check, name="sticker_check"),
    path(
        "aide/",
        TemplateView.as_view(
            template_name="partners/help.html",
            extra_context={"check_url": reverse_lazy("partners:sticker_check_form")},
        ),
        name="help",
    ),
    path("a-propos/", TemplateView.as_view(template_name="partners/about.html"), name="about"),
    # Staff vetting: reports from the public, the venue's yearly re-confirmation.
    path("lieux/<int:pk>/signaler/", vetting_views.report, name="report"),
    path("lieux/<int:pk>/signaler/merci/", vetting_views.report_thanks, name="report_thanks"),
    path("mon-lieu/reconfirmer/merci/", vetting_views.reconfirm_done, name="reconfirm_done"),
    path("mon-lieu/reconfirmer/<str:token>/", vetting_views.reconfirm, name="reconfirm"),
]
