from django.urls import path, reverse_lazy
from django.views.generic import TemplateView

from partners.public import figures as public_figures
from partners.public import protocol, pwa
from partners.public import views as public
from partners.venue import training
from partners.venue import views as venue

app_name = "partners"

urlpatterns = [
    path("", public.home, name="home"),
    path("lieux/", public.partner_list, name="list"),
    path("lieux/<int:pk>/", public.PartnerDetailView.as_view(), name="detail"),
    # The venue's journey.
    path("rejoindre/", venue.join, name="join"),
    path("rejoindre/formulaire/", venue.join_form, name="join_form"),
    path("rejoindre/localiser/", venue.join_locate, name="join_locate"),
    path("rejoindre/merci/<str:ref>/", venue.join_thanks, name="join_thanks"),
    path("rejoindre/confirmer/<str:token>/", venue.join_confirm, name="join_confirm"),
    path("rejoindre/invitation/<str:token>/", venue.invitation, name="invitation"),
    path(
        "rejoindre/invitation/<str:token>/desinscription/",
        venue.invitation_opt_out,
        name="invitation_opt_out",
    ),
    path("mon-lieu/", venue.selfservice_request, name="selfservice_request"),
    # The training link a venue shares with its staff: never its own page.
    path("mon-lieu/formation/<str:token>/", training.course, name="training"),
    path("mon-lieu/<str:token>/", venue.selfservice, name="selfservice"),
    path("mon-lieu/<str:token>/modifier/", venue.selfservice_update, name="selfservice_update"),
    path(
        "mon-lieu/<str:token>/quitter/",
        venue.selfservice_withdraw,
        name="selfservice_withdraw",
    ),
    path(
        "mon-lieu/<str:token>/accueils/",
        venue.selfservice_welcomes,
        name="selfservice_welcomes",
    ),
    path(
        "mon-lieu/<str:token>/accueils/<int:pk>/supprimer/",
        venue.selfservice_welcome_delete,
        name="selfservice_welcome_delete",
    ),
    path("verif/", public.sticker_check_form, name="sticker_check_form"),
    path("verif/<str:number>/", public.sticker_check, name="sticker_check"),
    path("verif/<str:number>/protocole/", protocol.card, name="protocol_card"),
    path(
        "aide/",
        TemplateView.as_view(
            template_name="partners/public/help.html",
            extra_context={"check_url": reverse_lazy("partners:sticker_check_form")},
        ),
        name="help",
    ),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("montrer/", public.show_card, name="show_card"),
    path("apres/", public.after, name="after"),
    path(
        "a-propos/", TemplateView.as_view(template_name="partners/public/about.html"), name="about"
    ),
    path("chiffres/", public_figures.figures, name="figures"),
    # Staff vetting: reports from the public, the venue's yearly re-confirmation.
    path("lieux/<int:pk>/signaler/", public.report, name="report"),
    path("lieux/<int:pk>/signaler/merci/", public.report_thanks, name="report_thanks"),
    path("mon-lieu/reconfirmer/merci/", venue.reconfirm_done, name="reconfirm_done"),
    path("mon-lieu/reconfirmer/<str:token>/", venue.reconfirm, name="reconfirm"),
]
