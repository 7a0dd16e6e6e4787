#!/usr/bin/env python3
"""Counts test cases in meson test logs: each TAP line of a TAP test, each other test once.
Prints 'N passed, N failed'; exits 1 when anything failed or a log is missing."""
import json
import re
import sys

passed = failed = 0
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            entries = [json.loads(line) for line in f if line.strip()]
    except OSError:
        print(f"missing test log: {path}", file=sys.stderr)
        failed += 1
        continue
    for e in entries:
        ok = e.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
        cases = re.findall(r"^(ok|not ok) \d+", e.get("stdout") or "", re.M)
        if cases:
            p = sum(1 for c in cases if c == "ok")
            passed += p
            failed += len(cases) - p
            if not ok and len(cases) == p:
                failed += 1  # crashed after its last case, or a bad exit status
        elif ok:
            passed += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
