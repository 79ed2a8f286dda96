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
# Two narrowed runs at a time where there are two cores or more (PROOF_JOBS,
# as proofs/run.sh): each is mostly frama-c's single-threaded VC
# generation.  The verdicts do not depend on it (step limits).
ncores=$(nproc 2>/dev/null || echo 1)
jobs_max=${PROOF_JOBS:-$((ncores >= 2 ? 2 : 1))}
[[ $jobs_max =~ ^[1-9][0-9]*$ ]] || { echo "mutants/run.sh: PROOF_JOBS=$jobs_max is not a count" >&2; exit 2; }
running=0
pool() { # pool CMD...: run in the background, at most jobs_max at once
    if [ "$running" -ge "$jobs_max" ]; then wait -n; running=$((running - 1)); fi
    "$@" &
    running=$((running + 1))
}
total=${#muts[@]}
declare -a ids=() narrows=() keys=() descs=() groups=()
declare -A base_of=()  # narrowing key -> the mutant id whose baseline log it uses
for k in "${!muts[@]}"; do
    mf=${muts[$k]}
    id=$(basename "$mf" .mut)
    ids[$k]=$id
    if ! info=$(python3 "$here/mut.py" info "$mf"); then
        printf '%-28s %-10s %s\n' "$id" ERROR "malformed .mut file" >"$work/row-$k"
        continue
    fi
    m_fct="" m_prop="" m_provers="" m_steps="" m_timeout="" m_group="" m_desc=""
    eval "$info"
    narrow=""
    [ -n "$m_fct" ] && narrow+=" --fct $m_fct"
    [ -n "$m_prop" ] && narrow+=" --prop $m_prop"
    [ -n "$m_provers" ] && narrow+=" --provers $m_provers"
    [ -n "$m_steps" ] && narrow+=" --steps $m_steps"
    [ -n "$m_timeout" ] && narrow+=" --timeout $m_timeout"
    if ! grep -qx "$m_group" <<<"$defined_groups"; then
        printf '%-28s %-10s %s\n' "$id" "NO GROUP" \
            "group $m_group is not defined in proofs/groups.conf ($m_desc)" >"$work/row-$k"
        continue
    fi
    narrows[$k]=$narrow groups[$k]=$m_group descs[$k]=$m_desc
    keys[$k]="$m_group|$narrow"
    [ -n "${base_of[${keys[$k]}]:-}" ] || base_of[${keys[$k]}]=$id
done

# Baselines (once per narrowing): the unpatched copy must prove every goal.
run_baseline() { # run_baseline ID GROUP NARROW
    # shellcheck disable=SC2086
    (cd "$work/base" && proofs/run.sh --out "$work/base-out-$1" --no-eva $3 "$2") \
        >"$logdir/baseline-$1.log" 2>&1
    echo $? >"$work/base-rc-$1"
}
if [ $baseline -eq 1 ]; then
    copy_tree "$work/base"
    for k in "${!ids[@]}"; do
        [ -n "${keys[$k]:-}" ] || continue
        [ "${base_of[${keys[$k]}]}" = "${ids[$k]}" ] || continue
        pool run_baseline "${ids[$k]}" "${groups[$k]}" "${narrows[$k]}"
    done
    wait
    running=0
fi

run_mutant() { # run_mutant K
    local k=$1 id=${ids[$1]} t0=$SECONDS st why
    local mf=${muts[$1]} d=$work/${ids[$1]}
    if [ $baseline -eq 1 ]; then
        local bid=${base_of[${keys[$k]}]} brc
        brc=$(cat "$work/base-rc-$bid" 2>/dev/null || echo 2)
        if [ "$brc" != 0 ]; then
            printf '%-28s %-10s %s\n' "$id" "BASELINE" "the unpatched narrowed proof fails (exit $brc; build/proofs/mutants/baseline-$bid.log)" >"$work/row-$k"
            return
        fi
    fi
    copy_tree "$d"
    python3 "$here/mut.py" apply "$mf" "$d" 2>"$work/apply-$k.err"
    local arc=$?
    if [ $arc -ne 0 ]; then
        st=STALE; [ $arc -eq 2 ] && st=ERROR
        printf '%-28s %-10s %s\n' "$id" "$st" "$(tr '\n' ' ' <"$work/apply-$k.err")" >"$work/row-$k"
        rm -rf "$d"
        return
    fi
    local mlog=$logdir/$id.log rc
    # shellcheck disable=SC2086
    (cd "$d" && proofs/run.sh --out "$d/build/proofs" --no-eva ${narrows[$k]} "${groups[$k]}") >"$mlog" 2>&1
    rc=$?
    case $rc in
        1) st=killed
           why="$(grep -m1 -E '^ +unproved: ' "$mlog" | sed 's/^ *unproved: //')";;
        0) st=SURVIVED; why="every goal still proved";;
        *) st=ERROR; why="proof run failed to run (exit $rc): see build/proofs/mutants/$id.log";;
    esac
    printf '%-28s %-10s %4ss  %s: %s\n' "$id" "$st" "$((SECONDS - t0))" "${descs[$k]}" "$why" \
        >"$work/row-$k"
    rm -rf "$d"
}
for k in "${!ids[@]}"; do
    [ -f "$work/row-$k" ] && continue
    pool run_mutant "$k"
done
wait
killed=0
declare -a rows=()
for k in "${!ids[@]}"; do
    if [ -f "$work/row-$k" ]; then rows+=("$(cat "$work/row-$k")")
    else rows+=("$(printf '%-28s %-10s %s' "${ids[$k]}" ERROR "no result")"); fi
    case ${rows[-1]} in *" killed "*) killed=$((killed + 1));; esac
done
echo
echo "mutation check (narrowed proofs on patched copies; logs in build/proofs/mutants/)"
printf '%s\n' "${rows[@]}"
echo "mutants: $killed killed / $total  ($((SECONDS - t_all)) s)"
[ "$killed" -eq "$total" ]
}
main "$@"
exit $?
