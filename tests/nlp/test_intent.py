from pathlib import Path

import pytest
import yaml

from bot.nlp.categories import load_categories
from bot.nlp.entities import extract_application_number
from bot.nlp.intent import INTENTS, IntentClassifier, IntentResult, classify, load_intent_rules

# Examples here are separate from tests/data/intent_dev.tsv (the benchmark set).
EXAMPLES = {
    "greeting": ["สวัสดีค่ะ", "หวัดดีครับแอดมิน", "ดีจ้า", "Hello!"],
    "help": ["ช่วยอะไรได้บ้างคะ", "วิธีใช้งาน", "งง ใช้ยังไง", "help"],
    "product_standard": [
        "น้ำพริกแกงใช้มาตรฐานอะไรคะ",
        "ทำไข่เค็มขายค่ะ ขอ มผช ได้ไหม",
        "หมูหยอง",
        "ผ้ามัดหมี่ใช้มาตรฐานไหน",
        "which standard is for herbal shampoo?",
    ],
    "status": ["เช็คสถานะ", "คำขอเลขที่ ๖๗/๐๐๑๒ ถึงไหนแล้ว", "ผลออกยังคะ", "check my application status"],
    "faq": [
        "มผช คืออะไร",
        "ค่าธรรมเนียมเท่าไหร่คะ",
        "อยู่กรุงเทพ ยื่นที่ไหน",
        "ใบรับรองมีอายุกี่ปี",
        "น้ำพริกต้องขอ อย. ไหม",
        "ยกเลิกใบรับรองได้ในกรณีไหน",
        "How long is the certificate valid?",
    ],
    "standard_lookup": ["มผช. 129/2546 คืออะไร", "มผช 129", "TCPS 129-2546", "ค้นหาตามรหัส มผช."],
    "category": ["มาตรฐานหมวดอาหารมีอะไรบ้าง", "เครื่องดื่ม", "ขอดูมาตรฐานกลุ่มผ้าทั้งหมด", "show me food standards"],
    "cancel": ["ยกเลิก", "ไม่เอาแล้วค่ะ", "พอแล้ว", "cancel"],
    "thanks": ["ขอบคุณค่ะ", "ขอบคุณมากนะคะ", "thank you", "โอเคค่ะ"],
    "officer": ["ขอคุยกับเจ้าหน้าที่ค่ะ", "คุยกับ จนท. หน่อย", "talk to a human please"],
    "unlink": ["ยกเลิกการผูกบัญชี", "เลิกผูกบัญชีค่ะ", "unlink my account"],
    "subscribe": ["รับข่าวหมวดอาหาร", "อยากรับข่าวเรื่องผ้าค่ะ", "subscribe to food news"],
    "unsubscribe": ["เลิกรับข่าวหมวดอาหาร", "ยกเลิกรับข่าวค่ะ", "unsubscribe drinks"],
    "certificate_check": ["ตรวจสอบใบรับรอง มผช. ชม 0012/2567", "ตรวจใบรับรอง ๑๒/๒๕๖๗ หน่อยค่ะ",
                          "check certificate 12/2567"],
    "off_topic": ["ราคาทองวันนี้เท่าไหร่", "หวยออกอะไรคะ", "is it sunny in chiang mai today?"],
    "privacy_delete": ["ช่วยลบข้อมูลของหนูด้วยค่ะ", "ลบข้อมูลส่วนบุคคลของผมทั้งหมด", "remove my personal details"],
    "privacy_data": ["ระบบมีข้อมูลของฉันอะไรบ้าง", "ข้อมูลส่วนบุคคลของผมมีอะไรบ้างครับ", "what information do you have on me"],
    "privacy_notice": ["ขอนโยบายความเป็นส่วนตัวหน่อยค่ะ", "คุ้มครองข้อมูลส่วนบุคคลยังไง", "privacy notice"],
}


@pytest.mark.parametrize("text", ["ลบ", "ลบค่ะ", "ยกเลิกคำขอ", "ขอยกเลิกคำขอค่ะ", "ลบบัญชี", "ลบรูป", "delete",
                                  "ยกเลิกคำขอเลขที่ 67/0012"])
def test_delete_alone_or_withdrawing_is_not_a_deletion_request(classifier, text):
    assert classifier.classify(text).intent != "privacy_delete"


def test_examples_cover_every_intent():
    assert set(EXAMPLES) == set(INTENTS)


@pytest.mark.parametrize(("text", "intent"), [(t, i) for i, ts in EXAMPLES.items() for t in ts])
def test_examples(classifier, text, intent):
    result = classifier.classify(text)
    assert isinstance(result, IntentResult)
    assert result.intent == intent, result
    assert 0.0 < result.confidence <= 1.0


# --- entities ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "คำขอเลขที่ ๖๗/๐๐๑๒ ถึงไหนแล้วคะ",
        "67/0012",
        "สถานะคำขอ 67-0012",
        "เช็คสถานะ 67 / 12",
        "คำขอ ๖๗ – ๐๐๑๒",
    ],
)
def test_application_number_is_canonical(classifier, text):
    result = classifier.classify(text)
    assert result.intent == "status"
    assert result.entities["application_number"] == "67/0012"


def test_short_number_needs_context(classifier):
    assert classifier.classify("68/12 ค่ะ").entities == {"application_number": "68/0012"}
    assert classifier.classify("แบ่งกำไร 50/50 กับกลุ่มต้องแจ้งไหม").intent == "faq"


def test_status_without_number_has_no_entity(classifier):
    assert classifier.classify("ติดตามสถานะคำขอ").entities == {}


@pytest.mark.parametrize(
    ("text", "number", "year"),
    [
        ("มผช. 129/2546 คืออะไร", 129, 2546),
        ("มผช ๑๒๙/๒๕๔๖", 129, 2546),
        ("ม.ผ.ช. 144/2546", 144, 2546),
        ("tcps 1555-2563", 1555, 2563),
        ("มาตรฐานเลขที่ 40/2559", 40, 2559),
        ("129/2546 คืออะไรคะ", 129, 2546),
        ("มผช. 26/2014", 26, 2557),
        ("มผช 1044 / 2548", 1044, 2548),
    ],
)
def test_standard_code_entities(classifier, text, number, year):
    result = classifier.classify(text)
    assert result.intent == "standard_lookup"
    assert result.entities == {"standard_number": number, "standard_year": year}


def test_form_name_is_not_a_standard_code(classifier):
    assert classifier.classify("แบบคำขอ มผช.1 มีไหม").intent == "faq"
    assert classifier.classify("มผช.1 คืออะไร").intent == "standard_lookup"


def test_code_without_year(classifier):
    result = classifier.classify("มผช 907 ค่ะ")
    assert result.entities == {"standard_number": 907}


def test_standard_year_is_not_mistaken_for_an_application(classifier):
    assert classifier.classify("23/2549").intent == "standard_lookup"
    assert classifier.classify("คำขอ 23/2549 ถึงไหนแล้ว").intent == "status"


@pytest.mark.parametrize("text", ["ใบรับรอง มผช 3 ปี ต่ออายุยังไง", "มผช มี 1311 มาตรฐานจริงไหม"])
def test_numbers_with_units_are_not_codes(classifier, text):
    assert classifier.classify(text).intent == "faq"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("มาตรฐานหมวดอาหารมีอะไรบ้าง", "food"),
        ("มผช เครื่องดื่ม มีอะไรบ้าง", "drink"),
        ("หมวดผ้าและเครื่องแต่งกาย", "textile"),
        ("ของที่ระลึกมีมาตรฐานอะไรบ้าง", "craft"),
        ("ขอรายชื่อมาตรฐานสมุนไพรที่ไม่ใช่อาหารและยา", "herbal"),
        ("what standards are there for textiles", "textile"),
    ],
)
def test_category_entity(classifier, text, key):
    result = classifier.classify(text)
    assert result.intent == "category"
    assert result.entities == {"category": key}


def test_product_word_inside_a_product_name_is_not_a_category(classifier):
    # "ผ้า" is a textile trigger, but "ผ้าพันคอ" is a product with its own standard.
    result = classifier.classify("ผ้าพันคอ")
    assert result.intent == "product_standard"
    assert result.entities["product"] == "ผ้าพันคอ"


def test_misspelt_product_is_recognised(classifier):
    result = classifier.classify("ไข่เคม")
    assert result.intent == "product_standard"
    # Either the fuzzy match to the name or the known misspelling listed in aliases.csv.
    assert result.entities["product"] in ("ไข่เค็ม", "ไข่เคม")


def test_product_word_spanning_tokens_is_found(classifier):
    result = classifier.classify("น้ำมันนวดสมุนไพร มีมาตรฐานไหมคะ")
    assert result.intent == "product_standard"
    assert result.entities["product"].startswith("น้ำมันนวด")


def test_part_of_a_product_name_alone_is_a_product(classifier):
    assert classifier.classify("กะละแม").intent == "product_standard"


def test_usage_inside_a_faq_word_is_not_help(classifier):
    # "อายุการใช้งาน" (validity) contains "การใช้งาน" (how to use).
    assert classifier.classify("ใบรับรองมีอายุการใช้งานกี่ปี").intent == "faq"


def test_faq_result_names_the_entry(classifier):
    result = classifier.classify("ค่าธรรมเนียมเท่าไหร่คะ")
    assert result.entities["faq_id"] == "fee"


# --- disambiguation -------------------------------------------------------------------------


def test_cancel_word_inside_a_question_is_faq(classifier):
    assert classifier.classify("ยกเลิก").intent == "cancel"
    assert classifier.classify("ทำไมถึงโดนยกเลิกการรับรอง").intent == "faq"
    assert classifier.classify("ยกเลิกการผูกบัญชี").intent == "unlink"


def test_officer_word_inside_a_question_is_faq(classifier):
    assert classifier.classify("เจ้าหน้าที่จะมาตรวจสถานที่ผลิตไหม").intent == "faq"


def test_greeting_with_a_question_follows_the_question(classifier):
    assert classifier.classify("สวัสดีค่ะ ค่าธรรมเนียมเท่าไหร่คะ").intent == "faq"
    assert classifier.classify("สวัสดีค่ะ อยากคุยกับเจ้าหน้าที่").intent == "officer"
    assert classifier.classify("ขอบคุณค่ะ แล้วไข่เค็มใช้มาตรฐานอะไร").intent == "product_standard"
    assert classifier.classify("สวัสดีค่ะ ขอสอบถามหน่อย").intent == "greeting"


def test_product_with_another_topic_is_faq(classifier):
    assert classifier.classify("ขนมไทยต้องมี อย ก่อนยื่นไหม").intent == "faq"
    assert classifier.classify("ทำหมูยอขาย ต้องเสียค่าธรรมเนียมไหม").intent == "faq"


def test_english_gets_same_intents_and_lang(classifier):
    for text, intent in [
        ("hello", "greeting"),
        ("check status of 67/0012", "status"),
        ("What is TCPS 129/2546?", "standard_lookup"),
        ("Where do I apply?", "faq"),
        ("thanks", "thanks"),
    ]:
        result = classifier.classify(text)
        assert (result.intent, result.lang) == (intent, "en"), text
    assert classifier.classify("มผช คืออะไร").lang == "th"


def test_unknown_text_falls_back_to_low_confidence_faq(classifier):
    result = classifier.classify("qwerty zxcv")
    assert result.intent == "faq"
    assert result.confidence < 0.3


def test_empty_message(classifier):
    assert classifier.classify("").intent == "help"
    assert classifier.classify("ค่ะ").intent == "thanks"


# --- construction -------------------------------------------------------------------------


def test_product_terms_are_injected(faq_doc):
    base = IntentClassifier.build(faq_doc.entries, load_categories(), [])
    assert base.classify("โคมไฟแขวน").intent != "product_standard"
    richer = IntentClassifier.build(faq_doc.entries, load_categories(), ["โคมไฟ"])
    result = richer.classify("โคมไฟแขวน")
    assert result.intent == "product_standard"
    assert result.entities["product"] == "โคมไฟ"


def test_rules_file_errors_are_clear(tmp_path):
    path = tmp_path / "intents.yaml"
    path.write_text(yaml.safe_dump({"greeting": {"th": ["สวัสดี"]}}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="missing section"):
        load_intent_rules(path)


def test_unknown_cue_key_is_rejected(faq_doc):
    rules = load_intent_rules()
    rules.cues["help"] = {"th": ["ช่วยด้วย"], "phrase": ["oops"]}
    with pytest.raises(ValueError, match="unknown key"):
        IntentClassifier.build(faq_doc.entries, load_categories(), [], rules=rules)


def test_cue_words_live_in_the_yaml():
    data = yaml.safe_load(Path("knowledge/intents.yaml").read_text(encoding="utf-8"))
    assert "ยกเลิก" in data["cancel"]["solo_th"]
    assert "สถานะ" in data["status"]["th"]


def test_module_level_classify():
    result = classify("สวัสดีค่ะ")
    assert result == IntentResult("greeting", result.confidence, "th", {})


@pytest.mark.parametrize("text", [
    "สถานะ 66/0001 กับ 67/0002",  # two numbers, none marked: neither is chosen
    "คำขอเลขที่ 67/0012 กับ 66/0001 ค่ะ",  # the marked one
    "คำขอเลขที่ ๖๗/๐๐๑๒ ถึงไหนแล้ว",
    "67-12",
    "เช็คสถานะ 2567/12 หน่อยค่ะ",
    "ปี 67-68 ขอสถานะคำขอ",  # a year range is not an application number
])
def test_the_classifier_and_the_status_flow_read_the_same_application_number(classifier, text):
    result = classifier.classify(text)
    assert result.intent == "status"
    assert result.entities.get("application_number") == extract_application_number(text)


@pytest.mark.parametrize(("text", "product"), [
    ("ผมทำไส้อั่วขาย", "ไส้อั่ว"),
    ("หนูผลิตแจ่วบองขายค่ะ", "แจ่วบอง"),
    ("I make dried mango, which standard?", "dried mango"),
    ("We sell rice crackers", "rice crackers"),
])
def test_a_product_named_the_way_producers_speak_is_a_product_question(classifier, text, product):
    result = classifier.classify(text)
    assert result.intent == "product_standard" and result.entities.get("product") == product, result


@pytest.mark.parametrize("text", ["ทำอย่างไรให้ขายได้", "ทำเอกสารขาย", "ค่าธรรมเนียมเท่าไหร่คะ"])
def test_doing_and_selling_words_alone_are_not_a_product(classifier, text):
    assert classifier.classify(text).intent != "product_standard"
