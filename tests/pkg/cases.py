"""The case counter of tests/pkg's Python checks: one line per case, then the suite's
"N passed, N failed" line (scripts/test.sh counts it)."""


class Cases:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, good, ok_text, fail_text):
        """One case: prints "ok ok_text" or "FAIL fail_text"; returns good."""
        print(f"ok {ok_text}" if good else f"FAIL {fail_text}")
        if good:
            self.passed += 1
        else:
            self.failed += 1
        return good

    def finish(self):
        """The count line; the exit status (1 on any failure)."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
