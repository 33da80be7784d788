# ruff: noqa: E501 (each sentence on one line, to be read and checked whole)
"""The "Show this screen" card: one sentence for a venue's staff, in French and in the
language of the person showing it (the README's "Show this screen" says why these).

The translations are ours, each waiting for a native speaker's check (the page says so).
``{number}`` is the number to call, written in the language's own digits.
"""

from dataclasses import dataclass

from partners.domain import helplines

FRENCH = "J’ai besoin d’aide. Puis-je rester ici ? Appelez le {number}, s’il vous plaît."


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, for the lang attribute
    name: str  # in itself, as its readers look for it
    text: str
    rtl: bool = False
    digits: str = "0123456789"

    @property
    def dir(self) -> str:
        return "rtl" if self.rtl else "ltr"

    def sentence(self, number: str) -> str:
        return self.text.format(number=number.translate(str.maketrans("0123456789", self.digits)))


_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"

LANGUAGES = {
    language.code: language
    for language in [
        Language("en", "English", "I need help. May I stay here? Please call {number}."),
        Language(
            "ar",
            "العربية",
            "أحتاج إلى مساعدة. هل يمكنني البقاء هنا؟ من فضلكم اتصلوا بالرقم {number}.",
            rtl=True,
        ),
        Language(
            "es", "Español", "Necesito ayuda. ¿Puedo quedarme aquí? Llame al {number}, por favor."
        ),
        Language(
            "pt",
            "Português",
            "Preciso de ajuda. Posso ficar aqui? Ligue para o {number}, por favor.",
        ),
        Language(
            "tr",
            "Türkçe",
            "Yardıma ihtiyacım var. Burada kalabilir miyim? Lütfen {number}'yi arayın.",
        ),
        Language(
            "uk",
            "Українська",
            "Мені потрібна допомога. Чи можу я залишитися тут? Будь ласка, зателефонуйте на {number}.",
        ),
        Language(
            "ru",
            "Русский",
            "Мне нужна помощь. Можно мне остаться здесь? Пожалуйста, позвоните по номеру {number}.",
        ),
        Language(
            "ro", "Română", "Am nevoie de ajutor. Pot să rămân aici? Vă rog să sunați la {number}."
        ),
        Language(
            "fa",
            "دری / فارسی",
            "به کمک نیاز دارم. آیا می‌توانم اینجا بمانم؟ لطفاً به {number} زنگ بزنید.",
            rtl=True,
            digits=_PERSIAN_DIGITS,
        ),
        Language(
            "ps",
            "پښتو",
            "زه مرستې ته اړتیا لرم. ایا زه دلته پاتې کېدای شم؟ مهرباني وکړئ {number} ته زنګ ووهئ.",
            rtl=True,
            digits=_PERSIAN_DIGITS,
        ),
        Language(
            "bn",
            "বাংলা",
            "আমার সাহায্য দরকার। আমি কি এখানে থাকতে পারি? অনুগ্রহ করে {number} নম্বরে ফোন করুন।",
            digits="০১২৩৪৫৬৭৮৯",
        ),
        Language(
            "ta", "தமிழ்", "எனக்கு உதவி தேவை. நான் இங்கே இருக்கலாமா? தயவுசெய்து {number} என்ற எண்ணை அழைக்கவும்."
        ),
        Language("zh-Hans", "中文", "我需要帮助。我可以待在这里吗？请拨打{number}。"),
        Language(
            "ka", "ქართული", "დახმარება მჭირდება. შემიძლია აქ დავრჩე? გთხოვთ, დარეკეთ {number}-ზე."
        ),
        Language(
            "sq",
            "Shqip",
            "Kam nevojë për ndihmë. A mund të qëndroj këtu? Ju lutem, telefononi në {number}.",
        ),
        Language(
            "ht", "Kreyòl ayisyen", "Mwen bezwen èd. Èske m ka rete la a? Tanpri, rele {number}."
        ),
    ]
}


def number_to_call(territory: str) -> str:
    """The territory's police number; 112 where no police number is known to answer."""
    lines = helplines.for_territory(territory)
    return (helplines.POLICE if helplines.POLICE in lines else helplines.EMERGENCY).number
