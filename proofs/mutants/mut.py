#!/usr/bin/env python3
"""Read and apply one planted fault (proofs/mutants/*.mut).

usage: mut.py info FILE          shell assignments: desc file group fct prop provers steps timeout
       mut.py apply FILE ROOT    apply the fault to the copy of the repository at ROOT

A .mut file is a small literal patch:

    desc: one line saying what the fault is
    file: ref/element_impl.h          (relative to the repository root)
    group: element_f32                (proofs/groups.conf group whose proof must fail)
    fct: mada_moments_step_f32        (optional: -wp-fct narrowing)
    prop: v1                          (optional: -wp-prop narrowing, comma-separated)
    provers: gappa                    (optional: provers instead of the group's)
    steps: 500000                     (optional: resource limit instead of the group's)
    timeout: 60                       (optional: wall-clock backstop, seconds)
    --- old
    <exact text, one or more whole lines>
    --- new
    <replacement text, possibly empty>
    --- end

The old text must occur exactly once in the file (whole lines, compared
literally).  Otherwise the mutant is stale: apply exits 3 and says so, and
the mutant run fails (a stale mutant is never counted as killed).
Exit status of apply: 0 applied; 2 malformed .mut; 3 stale.
"""
import os
import shlex
import sys

KEYS = ('desc', 'file', 'group', 'fct', 'prop', 'provers', 'steps', 'timeout')


def parse(path):
    fields, old, new, mode = {}, [], [], None
    with open(path) as f:
        lines = f.read().split('\n')
    for n, line in enumerate(lines, 1):
        if line == '--- old':
            mode = 'old'
            continue
        if line == '--- new':
            mode = 'new'
            continue
        if line == '--- end':
            mode = 'end'
            continue
        if mode == 'old':
            old.append(line)
        elif mode == 'new':
            new.append(line)
        elif mode is None:
            if not line.strip() or line.startswith('#'):
                continue
            if ':' not in line:
                raise ValueError(f'{path}:{n}: expected "key: value"')
            k, v = line.split(':', 1)
            k = k.strip()
            if k not in KEYS:
                raise ValueError(f'{path}:{n}: unknown key {k}')
            fields[k] = v.strip()
    if mode != 'end':
        raise ValueError(f'{path}: needs "--- old", "--- new" and "--- end" blocks')
    for k in ('desc', 'file', 'group'):
        if not fields.get(k):
            raise ValueError(f'{path}: missing {k}')
    if not old or not ''.join(old).strip():
        raise ValueError(f'{path}: empty old text')
    if old == new:
        raise ValueError(f'{path}: old and new text are the same')
    return fields, '\n'.join(old) + '\n', ('\n'.join(new) + '\n') if new else ''


def main(argv):
    if len(argv) < 3 or argv[1] not in ('info', 'apply'):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        fields, old, new = parse(argv[2])
    except (OSError, ValueError) as e:
        print(f'mut.py: {e}', file=sys.stderr)
        return 2
    if argv[1] == 'info':
        for k in KEYS:
            print(f'm_{k}={shlex.quote(fields.get(k, ""))}')
        return 0
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    target = os.path.join(argv[3], fields['file'])
    try:
        with open(target) as f:
            text = f.read()
    except OSError as e:
        print(f'mut.py: stale: {e}', file=sys.stderr)
        return 3
    # whole lines: match at a line start
    hay = '\n' + text
    count = hay.count('\n' + old)
    if count != 1:
        print(f'mut.py: stale: the old text occurs {count} times in {fields["file"]} '
              f'(must be exactly once)', file=sys.stderr)
        return 3
    hay = hay.replace('\n' + old, '\n' + new, 1)
    with open(target, 'w') as f:
        f.write(hay[1:])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
