from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("lieux/<int:pk>/", views.PartnerDetailView.as_view(), name="detail"),
]
