from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from enlieusur import views
from partners.public import pwa

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # At the root: a service worker controls the pages under its own path only.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("", include("partners.public.api_urls")),
    # Gateways' webhooks: no language prefix, no CSRF (signed by the provider instead).
    path("", include("sms.urls")),
]

# French at the root, English under /en/.
urlpatterns += i18n_patterns(
    path(settings.ADMIN_URL, admin.site.urls),
    path("confidentialite/", views.privacy, name="privacy"),
    path("", include("partners.urls")),
    prefix_default_language=False,
)
