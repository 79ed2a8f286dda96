#!/usr/bin/env bash
# proofs/mutants/run.sh [--no-baseline] [MUTANT...] -- the mutation check
# (make verify-mutants).
#
# Each proofs/mutants/*.mut is a planted fault: a literal one-hunk patch
# (format: proofs/mutants/mut.py) and the proof group that must fail on it,
# narrowed to one function, a few properties and possibly one prover so that
# it runs in seconds.
# For each mutant:
#   1. copy the working tree (without build/ and .git) to a fresh temporary
#      directory and apply the patch there (never to the working tree); a
#      patch whose old text is not found exactly once is STALE;
#   2. run the narrowed proof in the copy: proofs/run.sh GROUP --fct F
#      --prop P --provers Q --steps S --timeout T (S a deterministic resource
#      limit, T only a far wall-clock backstop: the verdict does not depend
#      on the machine's load);
#   3. killed if the proof fails with unproved goals (run.sh exit 1);
#      SURVIVED if every goal is still proved; ERROR if the run could not
#      prove anything (exit 2: the mutant does not compile, no goal
#      selected, ...): a mutant is never counted as killed by a set-up error.
# Baseline: the same narrowed run on an unpatched copy must prove every goal
# (once per distinct narrowing), so a kill is due to the fault and not to
# the narrowing or the resource limit.  A mutant whose group is not in
# proofs/groups.conf fails (NO GROUP).
# Exit status 0 only if every mutant is killed.  A one-line total is the last
# line: "mutants: K killed / N".
set -u
# The body is one function, read whole before it runs: editing this file
# during a run cannot change the running script.
main() {
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 2
baseline=1
declare -a muts=()
while [ $# -gt 0 ]; do
    case $1 in
        --no-baseline) baseline=0; shift;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0;;
        -*) echo "mutants/run.sh: unknown option $1" >&2; exit 2;;
        *) if [ -f "$1" ]; then muts+=("$1"); else muts+=("$here/$1.mut"); fi; shift;;
    esac
done
[ ${#muts[@]} -eq 0 ] && muts=("$here"/*.mut)

work=$(mktemp -d /tmp/mada-mutants.XXXXXX) || exit 2
trap 'rm -rf "$work"' EXIT
logdir=$root/build/proofs/mutants
mkdir -p "$logdir"

# One snapshot of the working tree (without build/ and .git), taken now: the
# baselines and every mutant start from the same text even if the tree is
# being edited meanwhile.
snap=$work/snapshot
mkdir -p "$snap" && tar -C "$root" --exclude=./build --exclude=./.git -cf - . | tar -C "$snap" -xf - \
    || { echo "mutants/run.sh: cannot copy the tree" >&2; exit 2; }
copy_tree() { # copy_tree DEST: a fresh copy of the snapshot
    mkdir -p "$1" && tar -C "$snap" -cf - . | tar -C "$1" -xf -
}
defined_groups=$(proofs/run.sh --list 2>/dev/null | awk '{print $1}')

t_all=$SECONDS
killed=0 total=0
declare -a rows=()
declare -A base_done=()
for mf in "${muts[@]}"; do
    id=$(basename "$mf" .mut)
    total=$((total + 1))
    t0=$SECONDS
    if ! info=$(python3 "$here/mut.py" info "$mf"); then
        rows+=("$(printf '%-28s %-10s %s' "$id" ERROR "malformed .mut file")")
        continue
    fi
    eval "$info"
    narrow=()
    [ -n "$m_fct" ] && narrow+=(--fct "$m_fct")
    [ -n "$m_prop" ] && narrow+=(--prop "$m_prop")
    [ -n "$m_provers" ] && narrow+=(--provers "$m_provers")
    [ -n "$m_steps" ] && narrow+=(--steps "$m_steps")
    [ -n "$m_timeout" ] && narrow+=(--timeout "$m_timeout")
    if ! grep -qx "$m_group" <<<"$defined_groups"; then
        rows+=("$(printf '%-28s %-10s %s' "$id" "NO GROUP" "group $m_group is not defined in proofs/groups.conf ($m_desc)")")
        continue
    fi
    # Baseline (once per narrowing): the unpatched copy must prove every goal.
    key="$m_group|$m_fct|$m_prop|$m_provers|$m_steps|$m_timeout"
    if [ $baseline -eq 1 ] && [ -z "${base_done[$key]:-}" ]; then
        b=$work/base
        [ -d "$b" ] || copy_tree "$b"
        blog=$logdir/baseline-$id.log
        (cd "$b" && proofs/run.sh --out "$work/base-out" --no-eva "${narrow[@]}" "$m_group") >"$blog" 2>&1
        brc=$?
        base_done[$key]=$brc
    fi
    if [ $baseline -eq 1 ] && [ "${base_done[$key]}" != 0 ]; then
        rows+=("$(printf '%-28s %-10s %s' "$id" "BASELINE" "the unpatched narrowed proof fails (exit ${base_done[$key]}; build/proofs/mutants/baseline-*.log)")")
        continue
    fi
    d=$work/$id
    copy_tree "$d"
    python3 "$here/mut.py" apply "$mf" "$d" 2>"$work/apply.err"
    arc=$?
    if [ $arc -ne 0 ]; then
        what=STALE; [ $arc -eq 2 ] && what=ERROR
        rows+=("$(printf '%-28s %-10s %s' "$id" "$what" "$(tr '\n' ' ' <"$work/apply.err")")")
        rm -rf "$d"
        continue
    fi
    mlog=$logdir/$id.log
    (cd "$d" && proofs/run.sh --out "$d/build/proofs" --no-eva "${narrow[@]}" "$m_group") >"$mlog" 2>&1
    rc=$?
    case $rc in
        1) st=killed; killed=$((killed + 1))
           why="$(grep -m1 -E '^ +unproved: ' "$mlog" | sed 's/^ *unproved: //')";;
        0) st=SURVIVED; why="every goal still proved";;
        *) st=ERROR; why="proof run failed to run (exit $rc): see build/proofs/mutants/$id.log";;
    esac
    rows+=("$(printf '%-28s %-10s %4ss  %s: %s' "$id" "$st" "$((SECONDS - t0))" "$m_desc" "$why")")
    rm -rf "$d"
done
echo
echo "mutation check (narrowed proofs on patched copies; logs in build/proofs/mutants/)"
printf '%s\n' "${rows[@]}"
echo "mutants: $killed killed / $total  ($((SECONDS - t_all)) s)"
[ "$killed" -eq "$total" ]
}
main "$@"
exit $?
