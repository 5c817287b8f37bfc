"""Measure intent routing (tests/data/intent_*.tsv) and FAQ top-1 (tests/data/faq_dev.tsv).

Run: python bench/bench_intent.py [--intent-file PATH ...] [--faq-file PATH] [--errors]

How the labelled files were used (so the figures can be read honestly):
* intent_dev.tsv — 369 lines written before any rule existed (first run: 95.1%), then two
  held-out rounds merged in after they had been measured (first sight: 90.7% and 93.7%).
  Rules were tuned on all of it, so its figure is optimistic.
  The 25 personal-data lines at its end (privacy_data / privacy_delete / privacy_notice, issue 16) were
  written together with their cues in intents.yaml: 25/25, and the other 588 lines unchanged at 100%.
* intent_holdout.tsv — 70 lines written after tuning; first sight 92.9%, then five generic
  cue fixes. Expect roughly 93-95% on genuinely new messages.
* intent_holdout_answers.tsv — 40 lines written for the answer/lookup/officer handlers (issue 7),
  measured once without changing any rule: 40/40.
* faq_dev.tsv — FAQ phrasings not copied into faq.yaml; thresholds in bot/nlp/faq.py were
  chosen on it (and extra yaml phrasings were added after looking at its misses). The bench also
  runs its questions through the classifier: none may come out off-topic.
* intent_offtopic.tsv — 101 off-topic messages (weather, prices, lottery, recipes, sport, politics,
  jokes, horoscopes, health, travel, news, homework, chit-chat; Thai and English) written before any
  off-topic rule; the off_topic cues in knowledge/intents.yaml were tuned on it (100%).
* intent_offtopic_holdout.tsv — written with the dev set, before tuning, in two rounds. Round 1
  (the first 32 lines) at first sight: 24/32 = 75.0% with cues alone; then two generic changes
  looking at its misses (the "guessed" off-topic for real words about nothing the bot knows, and
  "how do I make …" is not "I make …"): 31/32. Round 2 (the last 20 lines), written after those
  changes, first sight: 18/20 = 90.0%. Later, for English product names ("dried mango" alone must
  stay a product), a guess needs three words or more: the whole file is then 47/52 = 90.4%.
  Expect about 90% on new messages; a missed one gets FAQ suggestions and the offer of an officer,
  as before.
* Before the off-topic work every off-topic line was routed elsewhere (96/101 faq, the rest status,
  help or product_standard): 0% recognised; FAQ top-1 was 109/117 = 93.2% (now 113/117 after five
  phrasings added to faq.yaml for its misses and "ทำไง" read as "ทำยังไง").
"""
from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.nlp.categories import load_categories
from bot.nlp.faq import FaqIndex, load_faq
from bot.nlp.intent import INTENTS, IntentClassifier
from bot.nlp.product_terms import load_product_terms

TARGET = 0.95


def read_tsv(path: Path) -> list[tuple[str, str]]:
    """Rows of a two-column TSV with a header."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader)
        return [(row[0], row[1]) for row in reader if row and row[0].strip()]


def _time_ms(clf: IntentClassifier, text: str, repeat: int) -> float:
    """Best of ``repeat`` timings (token cache cleared each time), filtering scheduler noise."""
    best = float("inf")
    for _ in range(repeat):
        clf.prep.clear_cache()  # time cold tokenisation, as for a new message
        start = time.perf_counter()
        clf.classify(text)
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


def bench_intent(clf: IntentClassifier, rows: list[tuple[str, str]], show_errors: bool, repeat: int = 3) -> float:
    """Print accuracy, per-intent precision/recall, a confusion table and latency."""
    pairs, times, errors = [], [], []
    for text, gold in rows:
        result = clf.classify(text)
        times.append(_time_ms(clf, text, repeat))
        pairs.append((gold, result.intent))
        if gold != result.intent:
            errors.append((text, gold, result))
    correct = sum(g == p for g, p in pairs)
    accuracy = correct / len(pairs)
    print(f"intent accuracy: {correct}/{len(pairs)} = {accuracy:.1%} (target {TARGET:.0%})")
    labels = [i for i in INTENTS if any(i in pair for pair in pairs)]
    print(f"\n{'intent':<17}{'n':>4}{'precision':>11}{'recall':>8}")
    for label in labels:
        tp = sum(g == p == label for g, p in pairs)
        predicted = sum(p == label for _, p in pairs)
        actual = sum(g == label for g, _ in pairs)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        print(f"{label:<17}{actual:>4}{precision:>11.2f}{recall:>8.2f}")
    short = {label: label[:6] for label in labels}
    print("\nconfusion (rows = gold, columns = predicted)")
    print(" " * 17 + "".join(f"{short[p]:>7}" for p in labels))
    counts = Counter(pairs)
    for g in labels:
        cells = "".join(f"{(counts[(g, p)] or '.'):>7}" for p in labels)
        print(f"{g:<17}{cells}")
    times.sort()
    print(
        f"\nlatency per message (best of {repeat}): median {statistics.median(times):.2f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1]:.2f} ms, max {times[-1]:.2f} ms"
    )
    if show_errors and errors:
        print("\nerrors:")
        for text, gold, result in errors:
            print(f"  {gold:>16} -> {result.intent:<16} {result.confidence:.2f} {text}  {result.entities}")
    return accuracy


def bench_faq_not_off_topic(clf: IntentClassifier, rows: list[tuple[str, str]], show_errors: bool) -> None:
    """Print how many FAQ questions the classifier calls off-topic: none of the answerable ones should be."""
    off = {text for text, _gold in rows if clf.classify(text).intent == "off_topic"}
    answerable = [text for text, gold in rows if gold != "none"]
    outside = [text for text, gold in rows if gold == "none"]
    print(f"answerable FAQ questions called off-topic: {len(off.intersection(answerable))}/{len(answerable)}; "
          f"out-of-scope ones: {len(off.intersection(outside))}/{len(outside)}")
    if show_errors:
        for text in off.intersection(answerable):
            print(f"  off-topic: {text}")


def bench_faq(index: FaqIndex, rows: list[tuple[str, str]], show_errors: bool) -> float:
    """Print FAQ top-1 accuracy and how often each decision kind was taken."""
    answerable = [(t, g) for t, g in rows if g != "none"]
    unanswerable = [t for t, g in rows if g == "none"]
    top1 = top3 = 0
    kinds: Counter[str] = Counter()
    wrong_answers = 0
    errors = []
    for text, gold in answerable:
        hits = index.search(text, k=3)
        decision = index.answer(text)
        kinds[decision.kind] += 1
        ids = [h.entry_id for h in hits]
        top1 += bool(ids) and ids[0] == gold
        top3 += gold in ids
        if decision.kind == "answer" and decision.hits[0].entry_id != gold:
            wrong_answers += 1
        if not ids or ids[0] != gold:
            errors.append((text, gold, hits))
    n = len(answerable)
    print(f"== FAQ\nFAQ top-1 accuracy: {top1}/{n} = {top1 / n:.1%}; top-3: {top3}/{n} = {top3 / n:.1%}")
    print(
        f"decisions on answerable questions: answer {kinds['answer']}, suggest {kinds['suggest']}, "
        f"none {kinds['none']}; confident answers that were wrong: {wrong_answers}"
    )
    if unanswerable:
        answered = sum(index.answer(t).kind == "answer" for t in unanswerable)
        print(f"out-of-scope questions answered anyway: {answered}/{len(unanswerable)}")
    if show_errors and errors:
        print("\nFAQ misses:")
        for text, gold, hits in errors:
            print(f"  {gold:<30} {text}  {[(h.entry_id, h.score) for h in hits]}")
    return top1 / n


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns 0 (figures are reported, not enforced)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--intent-file",
        type=Path,
        action="append",
        help="labelled TSV (text<TAB>intent); repeatable; default: intent_dev, intent_holdout, "
             "intent_holdout_answers, intent_offtopic, intent_offtopic_holdout",
    )
    parser.add_argument("--faq-file", type=Path, default=ROOT / "tests/data/faq_dev.tsv")
    parser.add_argument("--errors", action="store_true", help="list misclassified messages")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per message (best is kept)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    clf = IntentClassifier.build(load_faq(), load_categories(), load_product_terms())
    print(f"build: {(time.perf_counter() - start):.2f} s\n")
    files = args.intent_file or [ROOT / f"tests/data/intent_{name}.tsv" for name in (
        "dev", "holdout", "holdout_answers", "offtopic", "offtopic_holdout")]
    for path in files:
        if path.exists():
            print(f"== {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
            bench_intent(clf, read_tsv(path), args.errors, max(1, args.repeat))
            print()
    if args.faq_file.exists():
        rows = read_tsv(args.faq_file)
        bench_faq(clf.faq, rows, args.errors)
        bench_faq_not_off_topic(clf, rows, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
