"""The staff's admin site: django-otp's (only a user verified by a two-factor device gets
in), signed in on one form (``signin``), whose home shows the work waiting (``home``) and
which creates a reviewer on one screen (``reviewers``)."""

from django.urls import path
from django_otp.admin import OTPAdminSite

from partners.staff.signin import StaffAuthenticationForm


class StaffAdminSite(OTPAdminSite):
    login_form = StaffAuthenticationForm
    login_template = "admin/staff_login.html"

    def index(self, request, extra_context=None):
        from partners.staff import home, reviewers

        return super().index(
            request,
            {
                "waiting_work": home.waiting_work(request.user),
                "can_add_reviewer": reviewers.may_add_reviewer(request.user),
                **(extra_context or {}),
            },
        )

    def get_urls(self):
        from partners.staff import reviewers

        return [
            path("reviewers/add/", self.admin_view(reviewers.add_reviewer), name="reviewer_add"),
            *super().get_urls(),
        ]
