"""Command line: match chat queries to มผช. standards, one JSON object per input line.

    python -m bot.nlp.match --json [-k K] < queries.txt

Reads one Thai query per line on stdin (blank lines skipped) and writes
``{"query", "verdict", "candidates": [{"number", "code", "name", "score"}]}``
per line, candidates best first. Knowledge is read from ``$KNOWLEDGE_DIR`` (default
``knowledge/`` next to the ``bot`` package); no Flask, database or network is needed.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from bot.config import knowledge_dir
from bot.nlp.matcher import Matcher


def run(matcher: Matcher, k: int, stdin: TextIO, stdout: TextIO, as_json: bool) -> int:
    """Match every non-blank line of ``stdin``; return the number of queries."""
    count = 0
    for line in stdin:
        query = line.strip()
        if not query:
            continue
        result = matcher.match(query, k=k)
        if as_json:
            stdout.write(json.dumps(result.to_json_dict(), ensure_ascii=False) + "\n")
        else:
            shown = ", ".join(f"{c.code} {c.name} ({c.score:.2f})" for c in result.candidates)
            stdout.write(f"{query}\t{result.verdict}\t{shown}\n")
        stdout.flush()
        count += 1
    return count


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``python -m bot.nlp.match``."""
    parser = argparse.ArgumentParser(prog="python -m bot.nlp.match", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="write one JSON object per query")
    parser.add_argument("-k", type=int, default=3, help="maximum number of candidates (default 3)")
    args = parser.parse_args(argv)
    if args.k < 1:
        parser.error("-k must be at least 1")
    matcher = Matcher.from_knowledge(knowledge_dir())
    run(matcher, args.k, sys.stdin, sys.stdout, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
