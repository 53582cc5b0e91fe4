"""TAP for lfa's Python suites: unittest.main() with a runner that writes
one TAP 13 line per case, so scripts/suites (lfa_tap_count in
scripts/lib.sh) and meson (protocol 'tap') count results from lines
nothing else can write.

The TAP stream is a private duplicate of the original stdout; file
descriptor 1 itself is pointed at stderr for the whole run. Whatever a
case, its lfad or any child prints (a warning, a trace, a partial line)
goes to stderr and can neither split a result line nor look like one.

Counting rules (the suites' policy, scripts/suites/40-integration):
  ok N - Class.test                     passed
  not ok N - Class.test                 failed (failure or error)
  not ok N - Class.test (skipped: ...)  failed: a skipped case is a
                                        failure here, so it carries no
                                        SKIP directive
  not ok N - Class.test # TODO ...      a known bug (expectedFailure):
                                        named, neither passed nor failed
  ok N - Class.test # TODO ...          the known bug is fixed
                                        (unexpected success): failed
The plan "1..N" comes last; a stream without it, or with another number
of result lines, ended early (a crash or a timeout).
"""

import os
import sys
import traceback
import unittest

__all__ = ['main', 'TAPTestResult', 'TAPTestRunner']


def _name(test):
        # setUpClass/tearDownClass errors come as an _ErrorHolder, whose
        # id() is "setUpClass (module.Class)".
        return test.id().replace('__main__.', '')


def _one_line(text):
        return ' '.join(str(text).split())


class TAPTestResult(unittest.TestResult):
        def __init__(self, tap, diag):
                super().__init__()
                self.tap = tap          # the TAP stream
                self.diag = diag        # tracebacks and other diagnostics
                self.n = 0
                self.lined = True

        def startTest(self, test):
                super().startTest(test)
                self.lined = False

        def stopTest(self, test):
                # A case whose subtests failed gets no addFailure: its line
                # says so here, so every case that started has one line.
                if not self.lined:
                        self._line(False, test, ' (a subtest failed)')
                super().stopTest(test)

        def _line(self, ok, test, suffix=''):
                self.n += 1
                self.lined = True
                # One write per line: nothing else writes to this stream.
                self.tap.write('%s %d - %s%s\n' % ('ok' if ok else 'not ok', self.n, _name(test), suffix))
                self.tap.flush()

        def _explain(self, test, err):
                self.diag.write('=== %s\n%s\n' % (_name(test), ''.join(traceback.format_exception(*err))))
                self.diag.flush()

        def addSuccess(self, test):
                super().addSuccess(test)
                self._line(True, test)

        def addFailure(self, test, err):
                super().addFailure(test, err)
                self._explain(test, err)
                self._line(False, test)

        def addError(self, test, err):
                super().addError(test, err)
                self._explain(test, err)
                self._line(False, test)

        def addSkip(self, test, reason):
                super().addSkip(test, reason)
                self._line(False, test, ' (skipped: %s)' % _one_line(reason))

        def addExpectedFailure(self, test, err):
                super().addExpectedFailure(test, err)
                self._line(False, test, ' # TODO known bug: %s' % _one_line(err[1]))

        def addUnexpectedSuccess(self, test):
                super().addUnexpectedSuccess(test)
                self._line(True, test, ' # TODO known bug, now fixed: remove expectedFailure')

        def addSubTest(self, test, subtest, err):
                # A failing subtest fails its case (its line: stopTest).
                super().addSubTest(test, subtest, err)
                if err is not None:
                        self._explain(subtest, err)


class TAPTestRunner:
        def __init__(self, tap, diag):
                self.tap = tap
                self.diag = diag

        def run(self, test):
                result = TAPTestResult(self.tap, self.diag)
                self.tap.write('TAP version 13\n')
                self.tap.flush()
                unittest.registerResult(result)
                test(result)
                self.tap.write('1..%d\n' % result.n)
                self.tap.flush()
                return result


def _private_stdout():
        """The TAP stream: a duplicate of fd 1, which then points at stderr."""
        sys.stdout.flush()
        tap = os.fdopen(os.dup(1), 'w', buffering=1, encoding='utf-8', errors='replace')
        os.dup2(2, 1)
        return tap


def main(**kwargs):
        tap = _private_stdout()
        unittest.main(testRunner=TAPTestRunner(tap, sys.stderr), **kwargs)
