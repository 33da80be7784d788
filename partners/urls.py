from django.urls import path, reverse_lazy
from django.views.generic import TemplateView

from partners import views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("lieux/", views.partner_list, name="list"),
    path("lieux/<int:pk>/", views.PartnerDetailView.as_view(), name="detail"),
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
]
