"""The counter protocol card: one page to print and keep at the counter, what to do when
someone asks for safety, with the venue's address to read out on the phone and its
territory's numbers. Offered to the venue's staff by its sticker's page (``/verif/…``)
and by the training; approved venues only, whose address is public anyway."""

from django.shortcuts import get_object_or_404, render

from partners.models import Partner
from partners.public import aftercare


def card(request, number):
    partner = get_object_or_404(Partner.objects.public(), sticker_number=number.strip().upper())
    return render(
        request,
        "partners/public/protocol_card.html",
        {"partner": partner, **aftercare.for_counter(partner.territory.code)},
    )
