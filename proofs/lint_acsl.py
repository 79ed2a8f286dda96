#!/usr/bin/env python3
"""Lint the ACSL annotations that the proofs rely on.

usage: lint_acsl.py FILE...     exit 1 if anything is flagged

Flags, inside /*@ ... */ and //@ annotations:
  - admit, assume, axiom, lemma: every property the proofs use must be
    proved, or be a contract of a body-less function listed as an axiom in
    proofs/README.md.  (The WP groups are function-scoped: they do not prove
    lemmas, which would still be used as hypotheses.)
  - literals such as 1e6 (integer mantissa with an exponent): Frama-C 25 WP
    mistranslates them (1e6 becomes 8/5); write 1.0e6 or a hex literal.
"""
import re
import sys

ANNOT = re.compile(r'/\*@.*?\*/|//@[^\n]*', re.S)
LINE_COMMENT = re.compile(r'//(?!@)[^\n]*')
FORBIDDEN = re.compile(r'(?<![\w\\])(admit|assume|axiom|lemma)(?!\w)')
BAD_LIT = re.compile(r'(?<![\w.])(\d+[eE][+-]?\d+)[fFlL]?(?![\w.])')


def main(argv):
    bad = 0
    for fn in argv[1:]:
        src = open(fn, errors='replace').read()
        for a in ANNOT.finditer(src):
            text = a.group(0)
            # comments inside an annotation: blank them, keep offsets
            text = LINE_COMMENT.sub(lambda m: ' ' * len(m.group(0)), text)
            for m in FORBIDDEN.finditer(text):
                line = src.count('\n', 0, a.start() + m.start()) + 1
                print(f'{fn}:{line}: ACSL "{m.group(1)}": not allowed in the proved sources '
                      f'(proofs/README.md, "No admit, assume or unproved lemma")')
                bad += 1
            for m in BAD_LIT.finditer(text):
                line = src.count('\n', 0, a.start() + m.start()) + 1
                print(f'{fn}:{line}: ACSL literal {m.group(1)}: write it with a dot '
                      f'(e.g. 1.0e6): WP reads 1e6 as 8/5')
                bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
