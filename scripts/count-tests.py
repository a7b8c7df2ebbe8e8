#!/usr/bin/env python3
"""Counts individual TAP cases across meson test logs and prints the closing
line "N passed, N failed, N skipped". A test binary that crashed or timed out
before printing its plan counts as one failure on top of its own cases."""
import json
import re
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        print(f"count-tests: cannot read {path}: {e}")
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        oks = len(re.findall(r"^ok \d+", out, re.M))
        bad = len(re.findall(r"^not ok \d+", out, re.M))
        skips = len(re.findall(r"^ok \d+.*# SKIP", out, re.M | re.I))
        passed += oks - skips
        skipped += skips
        failed += bad
        result = t.get("result")
        if result == "SKIP":
            skipped += 1
        elif result not in ("OK", "EXPECTEDFAIL") and bad == 0:
            failed += 1  # crashed, timed out or exited non-zero with no failing case
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
