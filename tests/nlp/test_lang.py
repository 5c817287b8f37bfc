import pytest

from bot.nlp.lang import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "มผช. คืออะไรคะ",
        "TCPS คืออะไร",
        "ขอ OTOP ได้ไหม",
        "ผ้ามัดหมี่ standard ไหนคะ",
        "คำขอ ๖๗/๐๐๑๒",
        "สวัสดี hello",
        "",
        "55555",
        "👍",
    ],
)
def test_thai_or_neutral_text_is_thai(text):
    assert detect_language(text) == "th"


@pytest.mark.parametrize(
    "text",
    [
        "What is TCPS?",
        "hello",
        "What is มผช.?",
        "Can I apply for น้ำพริก standard?",
        "track my application 67/0012",
        "talk to an officer",
    ],
)
def test_english_text_is_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", ["asdfghjkl", "zzz", "qwerty zxcv", "5678", "👍", "TCPS", "OTOP", "มผช."])
def test_mashing_digits_and_loans_show_no_language(classifier, text):
    assert not classifier.shows_language(text)


@pytest.mark.parametrize("text", ["I make banana chips", "dried mango", "hello", "durian crisps please",
                                  "สวัสดีค่ะ", "ๅ/-ภถุ"])
def test_real_words_show_the_language(classifier, text):
    assert classifier.shows_language(text)
