"""A partner's page shows its neighbours on a map and warns of likely duplicates,
within the reviewer's scope."""

from partners.models import (
    Partner,
    Status,
)
from partners.services import applications

NEARBY_METRES = 1000


class NearbyMixin:
    def _nearby(self, request, partner: Partner, metres: int):
        if partner.location is None:
            return Partner.objects.none()
        return (
            self.get_queryset(request)
            .exclude(pk=partner.pk)
            .exclude(status=Status.UNCONFIRMED)
            .filter(location__dwithin=(partner.location, metres))
            .by_distance(partner.location)
        )

    def duplicates_of(self, request, partner: Partner) -> list[Partner]:
        return applications.likely_duplicates(partner=partner, among=self.get_queryset(request))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        partner = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if partner is not None:
            nearby = list(self._nearby(request, partner, NEARBY_METRES)[:50])
            extra_context |= {
                "likely_duplicates": self.duplicates_of(request, partner),
                "nearby": nearby,
                "nearby_markers": [
                    {
                        "name": p.name,
                        "status": p.get_status_display(),
                        "lat": p.location.y,
                        "lon": p.location.x,
                        "approved": p.status == Status.APPROVED,
                    }
                    for p in nearby
                ],
            }
        return super().change_view(request, object_id, form_url, extra_context)
