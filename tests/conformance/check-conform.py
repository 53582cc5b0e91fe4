#!/usr/bin/python3
"""conform.py's rules for flavours, against cases written to a scratch
directory: a case using what upstream lacks is refused unless marked
@extended-only (file and line named), a marked one plays on extended only,
any other on both; @xfail-upstream marks upstream only; the header has one
run per case and flavour; the kernel log's lines are split by flavour and
upstream's trace keeps no calls. Exits non-zero naming each disagreement."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

import conform  # noqa: E402

UUID = '6c0762a6-12f2-4b56-92cb-ba8f633606d9'
SCN = 'component uuid=%s pending=1\n' % UUID


def main():
        bad = []

        def expect(what, got, want):
                if got != want:
                        bad.append('%s: got %r, want %r' % (what, got, want))

        with tempfile.TemporaryDirectory() as d:
                def case(name, text):
                        path = os.path.join(d, name + '.case')
                        with open(path, 'w', encoding='utf-8') as f:
                                f.write(SCN + text)
                        return path

                for verb in ('@write %s prime 1' % UUID, '@refresh', '@param poll_interval_ms 5',
                             '@cancel-priming %s activate' % UUID):
                        path = case('lacks', '@write %s activate 1\n%s\n' % (UUID, verb))
                        try:
                                conform.Case(path)
                                bad.append('%s without @extended-only: accepted' % verb)
                        except conform.CaseError as e:
                                expect('%s: the error names file:line' % verb,
                                       str(e).startswith(path + ':3: ') and '@extended-only' in str(e), True)
                marked = conform.Case(case('marked', '@extended-only primes\n@write %s prime 1\n' % UUID))
                expect('@extended-only: flavours', marked.flavours, ('extended',))
                both = conform.Case(case('both', '@write %s cancel 1\n@xfail-upstream known\n' % UUID))
                expect('a cancel write: flavours', both.flavours, ('extended', 'upstream'))
                expect('@xfail-upstream', both.xfail, {'upstream': 'known'})
                header = conform.header_text([marked, both])
                expect('header runs', [line.strip() for line in header.splitlines() if '.upstream =' in line],
                       ['{ .c = &lfa_conf_cases[0], .upstream = false },',
                        '{ .c = &lfa_conf_cases[1], .upstream = false },',
                        '{ .c = &lfa_conf_cases[1], .upstream = true },'])
                log = os.path.join(d, 'test.log')
                with open(log, 'w', encoding='utf-8') as f:
                        for flavour, x0 in (('extended', 0), ('upstream', -5)):
                                p = '    # lfa_conformance_test: LFACONF %s both ' % flavour
                                f.write(p + 'begin\n')
                                f.write(p + 'action write %s cancel 1\n' % UUID)
                                f.write(p + 'call CANCEL 0 0 %d 0\n' % x0)
                                f.write(p + 'return cancel %s %d\n' % (UUID, -22 if x0 else 0))
                                f.write(p + 'end\n')
                ext = conform.kernel_traces(log, flavour='extended')['both']
                up = conform.kernel_traces(log, flavour='upstream')['both']
                expect('extended kernel trace', ext, ['action write %s cancel 1' % UUID,
                                                      'call CANCEL seq=0 SUCCESS',
                                                      'return cancel %s ok' % UUID])
                expect('upstream kernel trace (no calls)', up, ['action write %s cancel 1' % UUID,
                                                                'return cancel %s EINVAL' % UUID])
        for line in bad:
                print(line)
        return 1 if bad else 0


if __name__ == '__main__':
        sys.exit(main())
