"""The staff's admin site: django-otp's (only a user verified by a two-factor device gets
in), signed in on one form (``signin``), whose home shows the work waiting (``home``) and
which creates a reviewer, a checker, a région's coordinator or a read-only account on one
screen (``reviewers``), and where checkers find their visits (``checks``)."""

from functools import update_wrapper
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import path, translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, get_language_info
from django_otp.admin import OTPAdminSite

from partners.staff.signin import StaffAuthenticationForm


class StaffAdminSite(OTPAdminSite):
    login_form = StaffAuthenticationForm
    login_template = "admin/staff_login.html"

    def login(self, request, extra_context=None):
        return super().login(
            request, {"other_languages": _other_languages(request), **(extra_context or {})}
        )

    def index(self, request, extra_context=None):
        from partners.staff import home, reviewers

        work = home.waiting_work(request.user)
        return super().index(
            request,
            {
                "waiting_work": work,
                "visits_url": home.visits_url(request.user, work),
                "staff_to_add": reviewers.roles_to_add(request.user),
                **(extra_context or {}),
            },
        )

    def each_context(self, request):
        from partners.staff import institutions

        # Every page knows whether it is an institution's: no link to what it may not open.
        return {
            **super().each_context(request),
            "read_only_account": institutions.is_read_only(request.user),
        }

    def admin_view(self, view, cacheable=False):
        """Every page of the admin, refused to an institution's read-only account unless
        it only reads (``institutions.READABLE_VIEWS``)."""
        from partners.staff import institutions

        def checked(request, *args, **kwargs):
            institutions.refuse_outside_reading(request)
            return view(request, *args, **kwargs)

        return super().admin_view(update_wrapper(checked, view), cacheable)

    def get_urls(self):
        from partners.staff import checks, reviewers

        add_staff = self.admin_view(reviewers.add_staff)
        paths = {
            "reviewer_add": "reviewers/add/",
            "checker_add": "checkers/add/",
            "coordinator_add": "coordinators/add/",
            "read_only_add": "read-only/add/",
        }
        return [
            *(
                path(paths[name], add_staff, {"role": role}, name=name)
                for name, role in reviewers.ROLES.items()
            ),
            path("visits/", self.admin_view(checks.visit_list), name="check_visits"),
            path("visits/<int:pk>/", self.admin_view(checks.checklist), name="check_form"),
            *super().get_urls(),
        ]


def _other_languages(request) -> list[dict]:
    """The login page in the other languages, leading to the page asked for in that
    language too (``/en/admin/login/?next=/en/admin/…``)."""
    wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        wanted = ""
    links = []
    for code, _name in settings.LANGUAGES:
        if code == get_language():
            continue
        url = translate_url(request.path, code)
        if wanted:
            url += "?" + urlencode({REDIRECT_FIELD_NAME: translate_url(wanted, code)})
        links.append({"code": code, "name": get_language_info(code)["name_local"], "url": url})
    return links
