"""The staff training: its quiz, the pass mark and how long a pass lasts.

A venue's staff open the training through the link on the venue's page (``links.TRAINING``),
read the course (``templates/partners/venue/training/course.html``, with the numbers of
the venue's own territory from ``helplines``), and answer the quiz below. A pass
(``settings.TRAINING_PASS_MARK`` right answers or more) is kept for a year under the first
name or initials given, nothing else (``TrainingCompletion``); approval asks for
``settings.TRAINED_PEOPLE_FOR_APPROVAL`` valid ones (``services.decisions.training_missing``),
and the yearly re-confirmation reminds the venue to renew them.

The questions hold everywhere in the network: 112 is answered on every phone in every
territory, while 17 and the 114 SMS are not (``helplines``); the course names each
territory's own numbers.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    # (key, text), in the order shown: the right one is not always first.
    options: tuple[tuple[str, str], ...]
    answer: str
    # Shown once answered, right or wrong.
    explanation: str

    def option_text(self, key: str) -> str:
        return dict(self.options)[key]


QUESTIONS = (
    Question(
        key="promise",
        text=_("What does the En lieu sûr sticker promise?"),
        options=(
            ("advice", _("Legal advice on the spot, and help to file a complaint")),
            (
                "shelter",
                _(
                    "A welcome, a safe place to stay, and a call to the emergency services "
                    "made for the person"
                ),
            ),
            ("inquiry", _("That the staff will find out what happened and who is to blame")),
        ),
        answer="shelter",
        explanation=_(
            "The sticker promises three things: a warm welcome, a place to stay in safety, "
            "and a call to the police or the emergency services made in the person's name. "
            "Staff are not asked to advise, investigate or judge."
        ),
    ),
    Question(
        key="respect",
        text=_(
            "The person gives a first name, or is dressed in a way, that does not match the "
            "gender you first assumed. What do you do?"
        ),
        options=(
            ("ask", _("Ask which is their real name, to be sure")),
            ("avoid", _("Say as little as possible, to avoid a mistake")),
            (
                "follow",
                _("Use the name and the pronouns the person gives, and ask nothing about it"),
            ),
        ),
        answer="follow",
        explanation=_(
            "Respecting the person means respecting their gender: use the name and pronouns "
            "they give, including when you speak to the police. Ask no question about their "
            "identity, their body or their private life: it is none of our business, and "
            "it can hurt someone who has just been attacked."
        ),
    ),
    Question(
        key="papers",
        text=_("Should you ask the person for an identity document?"),
        options=(
            ("police", _("Yes, the police will need it")),
            ("never", _("No, never: nobody has to show papers to be protected")),
            ("foreign", _("Only if the person seems to be a foreigner")),
        ),
        answer="never",
        explanation=_(
            "Never ask for papers, a residence permit or an address. Anyone who asks for "
            "help is welcomed, whatever their situation. If the police need something, "
            "they will ask the person themselves."
        ),
    ),
    Question(
        key="number",
        text=_(
            "Which number reaches the emergency services from any phone, in every territory "
            "of the network?"
        ),
        options=(
            ("3919", "3919"),
            ("112", "112"),
            ("115", "115"),
        ),
        answer="112",
        explanation=_(
            "112 is the emergency number on every mobile phone, everywhere in France and in "
            "Europe. 17 calls the police directly where it is answered. 3919 is the listening "
            "line for women facing violence, useful afterwards, not in an emergency."
        ),
    ),
    Question(
        key="call",
        text=_("When you call, what do you say first?"),
        options=(
            (
                "where",
                _(
                    "Where you are (the venue's name and address), that a person who has "
                    "just been attacked is sheltering with you, whether they are hurt, and "
                    "whether the attacker is nearby"
                ),
            ),
            ("identity", _("The person's full name, age and nationality")),
            ("quick", _("Nothing in particular: just ask them to come quickly")),
        ),
        answer="where",
        explanation=_(
            "The address comes first: with it, help can be sent even if the call is cut. "
            "Then what happened, whether the person is hurt, and whether the danger is still "
            "close. Stay on the line and answer the questions; ask the person before giving "
            "their name."
        ),
    ),
    Question(
        key="sms",
        text=_("Who can send a text message to 114?"),
        options=(
            ("police", _("Only police officers")),
            (
                "anyone",
                _(
                    "Anyone who cannot speak or hear on the phone: a deaf person, or someone "
                    "who cannot talk without being heard by the attacker"
                ),
            ),
            ("nobody", _("Nobody: it is an information line")),
        ),
        answer="anyone",
        explanation=_(
            "114 takes text messages for the police, the ambulance and the fire brigade, "
            "round the clock, in mainland France and the overseas départements. Where it is "
            "not available, the training's numbers for your territory say what can be used."
        ),
    ),
    Question(
        key="stay",
        text=_(
            "The person wants to stay until the police arrive, but the venue closes in ten "
            "minutes. What do you do?"
        ),
        options=(
            ("leave", _("Ask them to leave at closing time, politely")),
            ("stay", _("Let them stay in safety until help arrives, even after closing time")),
            ("outside", _("Ask them to wait for the police outside the door")),
        ),
        answer="stay",
        explanation=_(
            "The promise is a place to stay in safety until help arrives. Sending the person "
            "back outside, where the attacker may be, breaks it. If you really must close, "
            "stay with them and tell the emergency services."
        ),
    ),
    Question(
        key="attacker",
        text=_("The attacker is waiting outside the door. What do you do?"),
        options=(
            ("confront", _("Go out and tell them to leave")),
            ("film", _("Film them and post the video, so they are known")),
            (
                "inside",
                _(
                    "Keep the person inside, away from the door and windows, and tell the "
                    "emergency services that the attacker is outside"
                ),
            ),
        ),
        answer="inside",
        explanation=_(
            "Never confront or chase the attacker, and never post anything: it puts you, "
            "the person and your colleagues in danger, and can harm the investigation. Keep "
            "everyone inside and let the police deal with the attacker."
        ),
    ),
)

QUESTIONS_BY_KEY = {question.key: question for question in QUESTIONS}


def pass_mark() -> int:
    """Right answers needed to pass, never more than there are questions."""
    return min(settings.TRAINING_PASS_MARK, len(QUESTIONS))


def score(answers: dict[str, str]) -> int:
    """Right answers among ``answers`` ({question key: option key})."""
    return sum(answers.get(question.key) == question.answer for question in QUESTIONS)


def passed(points: int) -> bool:
    return points >= pass_mark()


def expiry(passed_at: datetime.datetime) -> datetime.datetime:
    """A pass is valid for a year: until the same date a year later (28 February for a
    29 February)."""
    try:
        return passed_at.replace(year=passed_at.year + 1)
    except ValueError:
        return passed_at.replace(year=passed_at.year + 1, day=28)
