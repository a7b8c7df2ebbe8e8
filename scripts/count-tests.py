#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Counts TAP checks in meson test logs (meson-logs/testlog.json, one JSON
object per test run) and prints, last, "N passed, N failed, N skipped".

A check is one TAP result line ("ok", "not ok"; "# SKIP" counts as skipped,
"not ok ... # TODO" too). A test that was skipped as a whole ("1..0 # SKIP")
counts one skip. A test meson did not pass (crash, timeout, a plan that does
not match, a bail out) counts one failure on top of its checks unless one
of its checks already failed.
Usage: count-tests.py BUILD-DIR/meson-logs/testlog.json..."""
import json
import os
import re
import sys

RESULT = re.compile(r"^(not )?ok\b[^#]*(?:#\s*(\w+))?", re.I)


def count_tap(stdout):
    passed = failed = skipped = 0
    for line in stdout.splitlines():
        m = RESULT.match(line)
        if not m:
            continue
        directive = (m.group(2) or "").upper()
        if directive == "SKIP" or (m.group(1) and directive == "TODO"):
            skipped += 1
        elif m.group(1):
            failed += 1
        else:
            passed += 1
    return passed, failed, skipped


def count_log(path):
    """(passed, failed, skipped, tests) for one build's log."""
    passed = failed = skipped = tests = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            run = json.loads(line)
            tests += 1
            p, f_, s = count_tap(run.get("stdout") or "")
            result = run.get("result")
            if result == "SKIP" and p + f_ + s == 0:
                s = 1
            elif result not in ("OK", "SKIP", "EXPECTEDFAIL") and f_ == 0:
                f_ = 1
                print(f"count-tests: {run.get('name')}: {result} "
                      "without a failing check (crash, timeout or plan)")
            passed, failed, skipped = passed + p, failed + f_, skipped + s
    return passed, failed, skipped, tests


def main(paths):
    totals = [0, 0, 0]
    checks = []
    for path in paths:
        build = os.path.dirname(os.path.dirname(path)) or "."
        try:
            p, f, s, tests = count_log(path)
        except (OSError, ValueError) as e:
            print(f"count-tests: cannot read {path}: {e}")
            totals[1] += 1
            continue
        print(f"{build}: {p + f + s} checks in {tests} tests: "
              f"{p} passed, {f} failed, {s} skipped")
        checks.append(p + f + s)
        totals = [totals[0] + p, totals[1] + f, totals[2] + s]
    if len(checks) > 1 and len(set(checks)) == 1:
        print(f"Each check runs in each of the {len(checks)} builds "
              "(plain, then ASan/UBSan): "
              f"{checks[0]} TAP checks per build, summed below:")
    elif len(checks) > 1:
        print("The builds ran different numbers of checks "
              f"({', '.join(map(str, checks))}): a test skipped in one build or ended early; "
              "summed below:")
    print(f"{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return 1 if totals[1] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
