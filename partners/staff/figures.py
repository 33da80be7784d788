"""The network at a glance: partners by status, kind, région and département, the
review's pace, and what waits for staff."""

import datetime
import statistics
from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext

from partners.domain import reconfirmation, territories
from partners.models import (
    Partner,
    PartnerEvent,
    Report,
    Status,
)
from partners.staff.scope import scoped


class FiguresMixin:
    def figures_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        partners = self.get_queryset(request)
        by_status = dict(partners.values_list("status").annotate(n=Count("pk")).order_by())
        by_kind = Counter(dict(partners.values_list("kind").annotate(n=Count("pk")).order_by()))
        by_department = dict(
            partners.filter(status=Status.APPROVED)
            .values_list("department")
            .annotate(n=Count("pk"))
            .order_by()
        )
        by_region = Counter()
        for code, n in by_department.items():
            by_region[territories.region_of(code)] += n
        per_month = (
            partners.filter(confirmed_at__isnull=False)
            .annotate(month=TruncMonth("confirmed_at"))
            .values_list("month")
            .annotate(n=Count("pk"))
            .order_by("-month")[:24]
        )
        decisions = (
            scoped(PartnerEvent.objects, request.user, "partner__department")
            .filter(
                from_status=Status.PENDING,
                to_status__in=[Status.APPROVED, Status.REJECTED],
                partner__confirmed_at__isnull=False,
            )
            .values_list("at", "partner__confirmed_at")
        )
        delays = [(at - confirmed).total_seconds() for at, confirmed in decisions]
        median = datetime.timedelta(seconds=statistics.median(delays)) if delays else None
        kinds = dict(Partner._meta.get_field("kind").choices)
        departments = dict(territories.DEPARTMENT_CHOICES)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Figures"),
            "opts": self.opts,
            "by_status": [(label, by_status.get(value, 0)) for value, label in Status.choices],
            "by_kind": [(kinds[k], n) for k, n in by_kind.most_common()],
            "by_region": by_region.most_common(),
            "by_department": sorted(
                ((departments[c], n) for c, n in by_department.items()), key=lambda r: -r[1]
            ),
            "per_month": list(per_month),
            "median_delay": median,
            "decision_count": len(delays),
            "stickers_to_send": partners.filter(
                status=Status.APPROVED, sticker_sent_on__isnull=True
            ).count(),
            "overdue": partners.filter(reconfirmation.overdue_q()).count(),
            "open_reports": scoped(
                Report.objects.unresolved(), request.user, "partner__department"
            ).count(),
        }
        return TemplateResponse(request, "admin/partners/figures.html", context)

    def get_urls(self):
        return [
            path(
                "figures/",
                self.admin_site.admin_view(self.figures_view),
                name="partners_partner_figures",
            ),
            *super().get_urls(),
        ]
