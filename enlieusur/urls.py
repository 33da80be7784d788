from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from enlieusur import views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("", include("partners.api_urls")),
]

# French at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("partners.urls")),
    prefix_default_language=False,
)
