"""SMS segments: GSM-7 and UCS-2 counted as phones and operators count them."""

from sms import gsm


def test_a_gsm7_text_fits_160_characters_in_one_segment_then_153_a_segment():
    assert gsm.segments("a" * 160) == ("a" * 160, "GSM-7", 1)
    assert gsm.segments("a" * 161).segments == 2
    assert gsm.segments("a" * 306).segments == 2
    assert gsm.segments("a" * 307).segments == 3
    assert gsm.segments("").segments == 1


def test_extension_characters_take_two_septets_and_are_never_split():
    assert gsm.segments("€" * 80).segments == 1
    assert gsm.segments("€" * 81).segments == 2
    # 152 septets then an escape pair: the pair starts the second segment.
    assert gsm.segments("a" * 152 + "€" + "a" * 152).segments == 3
    assert gsm.segments("a" * 151 + "€" + "a" * 153).segments == 2


def test_any_other_character_sends_the_text_as_ucs2():
    assert gsm.segments("ê" * 70) == ("ê" * 70, "UCS-2", 1)
    assert gsm.segments("ê" * 71).segments == 2
    assert gsm.segments("ê" * 134).segments == 2
    assert gsm.segments("ê" * 135).segments == 3
    # An emoji is a surrogate pair: two code units, never split.
    assert gsm.segments("🌈" * 35).segments == 1
    assert gsm.segments("a" * 66 + "🌈" + "a" * 66).segments == 3


def test_french_accents_of_the_gsm_alphabet_stay_gsm7():
    assert gsm.is_gsm7("é è à ù ì ò Ç É Danger : 17 ou 112")
    assert not gsm.is_gsm7("ê")
    assert not gsm.is_gsm7("ç")
    assert not gsm.is_gsm7("’")


def test_transliteration_keeps_the_alphabets_accents_and_drops_the_others():
    assert gsm.transliterate("Hôtel de ville, Fête, cœur, ça — «oui»… l’été") == (
        'Hotel de ville, Fete, coeur, ca - "oui"... l\'été'
    )
    assert gsm.transliterate("Лион 🌈 東京") == "  "
    assert gsm.transliterate("à « Lyon » et «\u00a0Paris\u202f»") == 'à "Lyon" et "Paris"'
    assert gsm.is_gsm7(gsm.transliterate("Ærø ŁÓDŹ ñ\u00a0x"))


def test_accents_are_kept_unless_dropping_them_saves_a_segment():
    short = "Fête à Nîmes"
    assert gsm.best(short) == (short, "UCS-2", 1)
    long = "Fête à Nîmes " * 8  # 104 characters: 2 UCS-2 segments, 1 GSM-7 segment
    assert gsm.best(long) == ("Fete à Nimes " * 8, "GSM-7", 1)
    plain = "Lyon 3e, 17 ou 112"
    assert gsm.best(plain) == (plain, "GSM-7", 1)
