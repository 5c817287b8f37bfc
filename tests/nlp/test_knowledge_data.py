"""The knowledge files are consistent: one source of truth, no invented standards."""
from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from bot.nlp.codes import format_code, parse_standard_code
from bot.nlp.knowledge import KnowledgeBundle, KnowledgeError, load_knowledge, read_filler_sections
from bot.nlp.lexicon import lexicon_key
from bot.nlp.matcher import Matcher

from .conftest import KNOWLEDGE_DIR

SOURCE_LIST = Path("/work/shared/knowledge-sources/tcps_standards.csv")


def test_every_row_has_a_normalised_code(bundle: KnowledgeBundle) -> None:
    assert len(bundle.standards) == 65  # the 60 compiled rows and the 5 verified ones of issue 13
    for s in bundle.standards:
        assert s.code == format_code(s.number, s.year)
        assert parse_standard_code(s.code) == (s.number, s.year)
        assert 2540 <= s.year <= 2570
        assert s.name and s.source.startswith("http")
        assert s.category in {"food", "drink", "textile", "craft", "herbal"}


def test_verified_current_editions_and_english_titles(bundle: KnowledgeBundle) -> None:
    by_code = {s.code: s for s in bundle.standards}
    assert by_code["มผช. 1/2546"].superseded_by == "มผช. 1/2552" and by_code["มผช. 1/2552"].is_current
    assert by_code["มผช. 2/2546"].superseded_by == "มผช. 2/2567" and by_code["มผช. 2/2567"].is_current
    assert by_code["มผช. 790/2548"].name == "ผลิตภัณฑ์ผ้าจับสมอก"
    assert by_code["มผช. 1/2552"].name_en == "THAI DESSERTS" and by_code["มผช. 247/2552"].name_en == "SCARF"


@pytest.mark.skipif(not SOURCE_LIST.exists(), reason="compiled source list not available")
def test_same_rows_as_the_compiled_source_list(bundle: KnowledgeBundle) -> None:
    source = set()
    for name in ("tcps_standards.csv", "tcps_standards_more.csv", "tcps_standards_additions.csv"):
        with (SOURCE_LIST.parent / name).open(encoding="utf-8") as handle:
            source |= {(int(r["number"]), int(r["year_be"]), r["name_th"]) for r in csv.DictReader(handle)}
    assert {(s.number, s.year, s.name) for s in bundle.standards} == source


def test_older_editions_point_to_the_newest(bundle: KnowledgeBundle) -> None:
    editions = defaultdict(list)
    for s in bundle.standards:
        editions[s.number].append(s)
    for rows in editions.values():
        newest = max(rows, key=lambda s: s.year)
        assert newest.superseded_by is None
        for s in rows:
            if s is not newest:
                assert s.superseded_by == newest.code
    assert {s.code for s in bundle.standards if s.superseded_by} == {
        "มผช. 1/2546", "มผช. 2/2546", "มผช. 93/2547", "มผช. 247/2547", "มผช. 907/2554", "มผช. 1280/2549"}


def test_aliases_only_name_real_standards(bundle: KnowledgeBundle) -> None:
    numbers = {s.number for s in bundle.standards}
    assert {a.number for a in bundle.aliases} <= numbers
    assert all(a.alias and a.source for a in bundle.aliases)


def test_every_standard_has_at_least_three_aliases(bundle: KnowledgeBundle) -> None:
    counts = Counter(a.number for a in bundle.aliases)
    assert {s.number for s in bundle.standards if counts[s.number] < 3} == set()


def test_alias_sources_are_documented(bundle: KnowledgeBundle) -> None:
    allowed = {"scope", "subtype", "short", "spelling", "colloquial", "english", "old-name",
               "misspelling", "generic"}
    regions = {"north", "isan", "south", "central"}
    for a in bundle.aliases:
        base, _, region = a.source.partition(":")
        assert base in allowed or (base == "regional" and region in regions), a


def test_no_key_is_both_covered_and_not_covered(bundle: KnowledgeBundle) -> None:
    alias_keys = {lexicon_key(a.alias) for a in bundle.aliases} | {lexicon_key(s.name) for s in bundle.standards}
    unlisted = {lexicon_key(t) for t in bundle.lexicons["unlisted"]}
    not_community = {lexicon_key(t) for t in bundle.lexicons["not_community"]}
    assert alias_keys & unlisted == set()
    assert alias_keys & not_community == set()
    assert unlisted & not_community == set()


def test_no_duplicate_alias_rows(bundle: KnowledgeBundle) -> None:
    keys = Counter((lexicon_key(a.alias), a.number) for a in bundle.aliases)
    assert [k for k, n in keys.items() if n > 1] == []


def test_filler_file_sections(bundle: KnowledgeBundle) -> None:
    assert "ครับ" in bundle.lexicons["fillers"]
    assert "กับ" in bundle.lexicons["separators"]
    assert "จาก" in bundle.lexicons["glue_words"]


def test_filler_file_rejects_unknown_section(tmp_path: Path) -> None:
    path = tmp_path / "chat_fillers.txt"
    path.write_text("[filler]\nครับ\n[oops]\nx\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="line 3"):
        read_filler_sections(path)


def test_alias_to_unknown_standard_is_refused(bundle: KnowledgeBundle) -> None:
    from bot.nlp.records import AliasRecord

    with pytest.raises(ValueError, match="9999"):
        Matcher.build(bundle.standards, [*bundle.aliases, AliasRecord("ของปลอม", 9999, "spelling")])


def test_bad_number_in_standards_file_names_the_line(tmp_path: Path) -> None:
    for name in ("aliases.csv", "not_community_products.csv", "unlisted_community_products.csv",
                 "chat_fillers.txt"):
        (tmp_path / name).write_bytes((KNOWLEDGE_DIR / name).read_bytes())
    (tmp_path / "standards.csv").write_text(
        "number,year,code,name,category,keywords,source,superseded_by\n"
        "27,2546,มผช. 27/2546,ไข่เค็ม,food,,http://x,\n"
        "xx,2546,มผช. xx/2546,ไข่,food,,http://x,\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="line 3"):
        load_knowledge(tmp_path)
