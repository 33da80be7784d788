"""The training for a venue's staff, through the link the venue shares (``links.TRAINING``):
the course, the quiz, its result with the explanations. No account: a first name or
initials, kept with the pass (``services.training.record_pass``). The quiz and its rules:
``partners.domain.training``.

A page of its own rather than one more in ``views``: it is the only venue page whose
link is handed to people other than the contact, and it never leads to the venue's page.
"""

import re

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.domain import links
from partners.domain import training as rules
from partners.models import Status
from partners.public import aftercare
from partners.services import training

# Letters, and between them spaces, dots, hyphens or apostrophes: "Camille", "C. M.",
# "Jean-Luc", "N'Dèye". No digits, no "@": a first name or initials, nothing else.
NAME = re.compile(r"[^\W\d_]+(?:[ .'’-]+[^\W\d_]+)*\.?")


class TrainingForm(forms.Form):
    name = forms.CharField(
        label=_("Your first name or initials"),
        max_length=30,
        help_text=_(
            "Nothing else: it is shown on your venue's page with the date, so that your "
            "colleagues know who is trained, and deleted after a year."
        ),
        error_messages={"required": _("Give your first name or initials.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in rules.QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=question.options,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer."),
                    "invalid_choice": _("Choose one of the answers given."),
                },
            )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not NAME.fullmatch(name):
            raise ValidationError(
                _(
                    "Give a first name or initials only: letters, with spaces, dots, hyphens "
                    "or apostrophes between them."
                ),
                code="not_a_name",
            )
        return name

    def questions(self):
        """(question, its bound field) in the quiz's order, for the template."""
        return [(question, self[question.key]) for question in rules.QUESTIONS]

    def answers(self) -> dict[str, str]:
        return {question.key: self.cleaned_data[question.key] for question in rules.QUESTIONS}


def _link_problem(request, error):
    expired = isinstance(error, signing.SignatureExpired)
    return render(
        request,
        "partners/venue/training/link_problem.html",
        {"expired": expired},
        status=410 if expired else 400,
    )


def _card_url(partner) -> str:
    """The counter card, once the venue has its sticker (``public.protocol``)."""
    if partner.status != Status.APPROVED:
        return ""
    return reverse("partners:protocol_card", args=[partner.sticker_number])


def _results(form: TrainingForm) -> list[dict]:
    answers = form.answers()
    return [
        {
            "question": question,
            "chosen": question.option_text(answers[question.key]),
            "right": answers[question.key] == question.answer,
            "answer": question.option_text(question.answer),
        }
        for question in rules.QUESTIONS
    ]


def course(request, token):
    try:
        partner = links.read_token(token, links.TRAINING)
    except signing.BadSignature as error:
        return _link_problem(request, error)
    form = TrainingForm(request.POST if request.method == "POST" else None)
    context = {
        "partner": partner,
        "pass_mark": rules.pass_mark(),
        "question_count": len(rules.QUESTIONS),
        "card_url": _card_url(partner),
        **aftercare.for_counter(partner.territory.code),
    }
    if request.method == "POST" and form.is_valid():
        score = rules.score(form.answers())
        passed = rules.passed(score)
        completion = None
        if passed:
            completion = training.record_pass(
                partner=partner, name=form.cleaned_data["name"], score=score
            )
        context |= {
            "result": {"score": score, "passed": passed, "completion": completion},
            "results": _results(form),
            # Failed: the quiz again, the name kept, the answers to give afresh.
            "form": None if passed else TrainingForm(initial={"name": form.cleaned_data["name"]}),
        }
    else:
        context["form"] = form
    return render(request, "partners/venue/training/course.html", context)
