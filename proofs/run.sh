#!/usr/bin/env bash
# proofs/run.sh -- run the proof groups of proofs/groups.conf and print one table.
#
#   proofs/run.sh                      every group (WP groups first, then EVA)
#   proofs/run.sh element_f32 ...      only these groups
#   proofs/run.sh --list               the groups, one per line
# Narrowing (one group; used by proofs/mutants/run.sh, handy by hand):
#   --fct F1,F2    prove these functions instead of the group's list
#   --prop P1,P2   only these properties (WP -wp-prop names, e.g. v1, real_formula_q)
#   --steps N      prover resource limit (cvc5 --rlimit, z3 rlimit) instead of the group's
#   --timeout T    wall-clock backstop per goal in seconds instead of the group's
#   --provers P    WP provers instead of the group's (e.g. gappa)
# Other options:
#   --out DIR      where logs, reports and the Why3 configuration go (default build/proofs)
#   --no-eva       skip the EVA groups
#
# Exit status: 0 every goal proved (and EVA clean); 1 some goal unproved, an
# EVA alarm or an unknown status; 2 a set-up error (unknown group, bad
# groups.conf line, missing tool, frama-c failed before proving anything, no
# goal selected).  frama-c's own exit status is never trusted alone: every run
# is gated with -report-classify and its JSON report and log are parsed
# (proofs/report.py).
set -u
# The body is one function, read whole before it runs: editing this file
# during a run cannot change the running script.
main() {
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 2

out=build/proofs
fct_override="" prop_override="" timeout_override="" steps_override="" provers_override=""
list=0 no_eva=0
declare -a want=()
while [ $# -gt 0 ]; do
    case $1 in
        --fct) fct_override=${2:?--fct needs a list}; shift 2;;
        --prop) prop_override=${2:?--prop needs a list}; shift 2;;
        --timeout) timeout_override=${2:?--timeout needs seconds}; shift 2;;
        --steps) steps_override=${2:?--steps needs a number}; shift 2;;
        --provers) provers_override=${2:?--provers needs a list}; shift 2;;
        --out) out=${2:?--out needs a directory}; shift 2;;
        --list) list=1; shift;;
        --no-eva) no_eva=1; shift;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2;;
        *) want+=("$1"); shift;;
    esac
done
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)
conf=$here/groups.conf

# ---- groups.conf --------------------------------------------------------------
# name | model | provers | limits | extra options | files | functions
# limits: STEPS/SECONDS for WP groups (a deterministic resource limit per goal
# and prover, and a wall-clock backstop), SECONDS for EVA.
declare -a G_NAME=() G_MODEL=() G_PROVERS=() G_TIMEOUT=() G_STEPS=() G_EXTRA=() G_FILES=() G_FCTS=()
trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    case $(trim "$line") in ''|'#'*) continue;; esac
    IFS='|' read -r f1 f2 f3 f4 f5 f6 f7 f8 <<<"$line"
    name=$(trim "$f1"); model=$(trim "$f2"); provers=$(trim "${f3-}"); tmo=$(trim "${f4-}")
    extra=$(trim "${f5-}"); files=$(trim "${f6-}"); fcts=$(trim "${f7-}")
    bad=""
    [ -n "${f8-}" ] && bad="more than 7 fields"
    [[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || bad="bad name '$name'"
    case $model in float|float-special|real|eva) ;; *) bad="unknown model '$model'";; esac
    steps=""
    if [ "$model" = eva ]; then
        [[ $tmo =~ ^[0-9]+$ ]] || bad="limit '$tmo' is not a number of seconds"
    elif [[ $tmo =~ ^([0-9]+)/([0-9]+)$ ]]; then
        steps=${BASH_REMATCH[1]} tmo=${BASH_REMATCH[2]}
    else
        bad="limits '$tmo' are not STEPS/SECONDS (a WP group needs a step limit: its verdict must not depend on the machine's load)"
    fi
    [ -n "$files" ] || bad="no files"
    [ -n "$fcts" ] || bad="no functions"
    if [ "$model" != eva ] && [ -z "$provers" ]; then bad="no provers"; fi
    for f in $files; do [ -f "$root/$f" ] || bad="no file $f"; done
    for n in "${G_NAME[@]}"; do [ "$n" = "$name" ] && bad="group $name defined twice"; done
    if [ -n "$bad" ]; then
        echo "run.sh: proofs/groups.conf:$lineno: $bad" >&2
        exit 2
    fi
    G_NAME+=("$name"); G_MODEL+=("$model"); G_PROVERS+=("$provers"); G_TIMEOUT+=("$tmo")
    G_STEPS+=("$steps")
    G_EXTRA+=("$extra"); G_FILES+=("$files"); G_FCTS+=("$fcts")
done <"$conf"

if [ $list -eq 1 ]; then
    for i in "${!G_NAME[@]}"; do
        printf '%-16s %-13s %s\n' "${G_NAME[$i]}" "${G_MODEL[$i]}" "${G_FCTS[$i]}"
    done
    exit 0
fi

# Select: the groups asked for (each must exist), or all; WP before EVA (the
# EVA report is cross-checked against the WP reports of the same run).
declare -a sel=()
if [ ${#want[@]} -eq 0 ]; then
    for i in "${!G_NAME[@]}"; do sel+=("$i"); done
else
    for w in "${want[@]}"; do
        found=""
        for i in "${!G_NAME[@]}"; do [ "${G_NAME[$i]}" = "$w" ] && found=$i; done
        if [ -z "$found" ]; then
            echo "run.sh: group $w is not defined in proofs/groups.conf" >&2
            exit 2
        fi
        sel+=("$found")
    done
fi
declare -a order=()
for i in "${sel[@]}"; do [ "${G_MODEL[$i]}" != eva ] && order+=("$i"); done
if [ $no_eva -eq 0 ]; then
    for i in "${sel[@]}"; do [ "${G_MODEL[$i]}" = eva ] && order+=("$i"); done
fi
if [ ${#order[@]} -eq 0 ]; then echo "run.sh: no group selected" >&2; exit 2; fi
if [ -n "$fct_override$prop_override" ] && [ ${#order[@]} -ne 1 ]; then
    echo "run.sh: --fct/--prop narrow one group; name exactly one" >&2
    exit 2
fi

# One run at a time per output directory (a second one would delete the
# first one's reports and regenerate its Why3 configuration under it).
exec 9>"$out/.lock"
if ! flock -n 9; then
    echo "run.sh: waiting for another proofs/run.sh using $out" >&2
    flock 9
fi

# ---- Tools and the Why3 configuration (generated, never the machine's) --------
for tool in frama-c why3 gappa cvc5 z3 python3 gcc; do
    command -v $tool >/dev/null || { echo "run.sh: $tool not found (make deps)" >&2; exit 2; }
done
# No admit/assume/axiom/lemma in the annotations, no 1e6-style literals.
# shellcheck disable=SC2046
python3 "$here/lint_acsl.py" $(find include ref proofs -name '*.[ch]' | sort) >&2 \
    || { echo "run.sh: ACSL lint failed (proofs/lint_acsl.py)" >&2; exit 2; }
"$here/mkwhy3conf.sh" "$out/why3" >/dev/null || { echo "run.sh: mkwhy3conf.sh failed" >&2; exit 2; }
export WHY3CONFIG=$out/why3/why3.conf
unset FRAMAC_WP_CACHE FRAMAC_WP_CACHEDIR FRAMAC_SESSION
cpp="-I$root/include -I$root/ref -I$root/proofs"

# EVA harnesses read scalars generated from the library (proofs/eva_scalars_gen.c).
gen_eva_scalars() {
    local steps=${EVA_STEPS:-20}
    mkdir -p "$out/gen"
    make -s --no-print-directory lib >"$out/gen/make.log" 2>&1 \
        || { cat "$out/gen/make.log" >&2; return 1; }
    # shellcheck disable=SC2046
    gcc $(make -s --no-print-directory print-cflags) -o "$out/gen/eva_scalars_gen" \
        "$here/eva_scalars_gen.c" build/libmada.a $(make -s --no-print-directory print-libs) \
        && "$out/gen/eva_scalars_gen" "$steps" >"$out/gen/eva_scalars.h.tmp" \
        && mv "$out/gen/eva_scalars.h.tmp" "$out/gen/eva_scalars.h"
}

manifest=$out/manifest.tsv
# Groups run PROOF_JOBS at a time (default: 2 where there are 2 cores or
# more), each frama-c with cores / jobs prover processes (at least 2): a
# group's VC generation is single-threaded, so two groups side by side keep
# both cores busy.  Verdicts do not depend on it (deterministic step limits); the
# order of the report is groups.conf's.  The longest groups of the previous
# run in $out start first.
ncores=$(nproc 2>/dev/null || echo 1)
jobs_max=${PROOF_JOBS:-$((ncores >= 2 ? 2 : 1))}
[[ $jobs_max =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: PROOF_JOBS=$jobs_max is not a count" >&2; exit 2; }
[ "${#order[@]}" -lt "$jobs_max" ] && jobs_max=${#order[@]}
# At least 2 prover processes per group: WP then runs a group's provers on
# a goal side by side and takes the first proof; with 1 it runs them one
# after the other, and Gappa's slow successes (30 s where cvc5 takes 0.4 s)
# decide the time.
wp_par=$((ncores / jobs_max)); [ "$wp_par" -ge 2 ] || wp_par=2
declare -A last_wall=()
if [ -f "$manifest" ]; then
    while IFS=$'\t' read -r _ n _ _ _ _ _ w _; do last_wall[$n]=$w; done <"$manifest"
fi
mkdir -p "$out/manifest.d"
rm -f "$out"/manifest.d/*
: >"$manifest"
t_all=$(date +%s.%N)
run_group() {
    local i=$1
    name=${G_NAME[$i]} model=${G_MODEL[$i]} provers=${G_PROVERS[$i]} tmo=${G_TIMEOUT[$i]}
    extra=${G_EXTRA[$i]} fcts=${G_FCTS[$i]}
    [ -n "$fct_override" ] && fcts=$fct_override
    [ -n "$timeout_override" ] && tmo=$timeout_override
    steps=${G_STEPS[$i]}
    [ -n "$steps_override" ] && steps=$steps_override
    [ -n "$provers_override" ] && [ "$model" != eva ] && provers=$provers_override
    declare -a files=()
    for f in ${G_FILES[$i]}; do files+=("$root/$f"); done
    json=$out/$name.json log=$out/$name.log rep=$out/$name.report.json
    local mline=$out/manifest.d/$(printf '%03d' "$i")
    rm -f "$json" "$log" "$rep" # WP reads an existing JSON report back
    echo "== $name ($model): $fcts" >&2
    t0=$(date +%s.%N)
    if [ "$model" = eva ]; then
        if [ "$eva_ok" != 1 ]; then
            echo "run.sh: generating the EVA scalars failed" >&2
            printf 'eva\t%s\t%s\t-\t-\t%s\t%s\t0\t2\t%s\n' "$name" "$model" "$log" "$rep" "$fcts" \
                >"$mline"
            return
        fi
        # shellcheck disable=SC2086
        timeout "$tmo" frama-c -eva -eva-print-callstacks $extra -main "$fcts" \
            -cpp-extra-args="$cpp -I$out/gen" "${files[@]}" \
            -then -report-classify -report-rules "$here/report-rules.json" \
            -report-unclassified-unknown ERROR -report-output "$rep" >"$log" 2>&1
        rc=$?
        json=-
    else
        declare -a mopt=()
        case $model in
            float) mopt=(-wp-rte -wp-model Typed+float);;
            float-special) mopt=(-wp-rte -wp-model Typed+float -warn-special-float none);;
            real) mopt=(-wp-model Typed+real);;
        esac
        # Real model: the check clauses only (the named real-model properties;
        # WP never assumes a check clause).  Float models: everything else.
        if [ "$model" = real ]; then prop=@check; else prop=-@check; fi
        if [ -n "$prop_override" ]; then
            if [ "$model" = real ]; then prop=$prop_override; else prop="$prop_override,-@check"; fi
        fi
        # shellcheck disable=SC2086
        frama-c -cpp-extra-args="$cpp" "${files[@]}" -wp "${mopt[@]}" -wp-fct "$fcts" \
            -wp-prop="$prop" -wp-prover "$provers" -wp-steps "$steps" -wp-timeout "$tmo" -wp-par "$wp_par" \
            -wp-cache none -wp-report-json "$json" $extra \
            -then -report-classify -report-unclassified-unknown ERROR -report-output "$rep" \
            >"$log" 2>&1
        rc=$?
    fi
    t1=$(date +%s.%N)
    wall=$(awk "BEGIN{printf \"%.1f\", $t1 - $t0}")
    kind=wp; [ "$model" = eva ] && kind=eva
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$name" "$model" "$provers" \
        "$json" "$log" "$rep" "$wall" "$rc" "$fcts" "${steps:--}" "$tmo" >"$mline"
    echo "== $name: done in $wall s" >&2
}
# Longest first (the previous run's wall times; unknown ones first of all).
declare -a queue=()
while IFS=$'\t' read -r _ i; do queue+=("$i"); done < <(
    for i in "${order[@]}"; do
        printf '%s\t%s\n' "${last_wall[${G_NAME[$i]}]:-99999}" "$i"
    done | sort -t$'\t' -k1,1gr -s)
# The EVA scalars are generated once, before any group runs.
eva_ok=1
for i in "${order[@]}"; do
    if [ "${G_MODEL[$i]}" = eva ]; then gen_eva_scalars || eva_ok=0; break; fi
done
running=0
for i in "${queue[@]}"; do
    if [ "$running" -ge "$jobs_max" ]; then
        wait -n
        running=$((running - 1))
    fi
    run_group "$i" &
    running=$((running + 1))
done
wait
for i in "${order[@]}"; do
    f=$out/manifest.d/$(printf '%03d' "$i")
    if [ -f "$f" ]; then cat "$f" >>"$manifest"
    else
        echo "run.sh: group ${G_NAME[$i]} left no result" >&2
        printf '%s\t%s\t%s\t-\t-\t-\t-\t0\t2\t%s\t-\t-\n' \
            "$([ "${G_MODEL[$i]}" = eva ] && echo eva || echo wp)" "${G_NAME[$i]}" \
            "${G_MODEL[$i]}" "${G_FCTS[$i]}" >>"$manifest"
    fi
done
# Contract coverage (full runs only): every function whose contract a proved
# function relies on is itself proved in a float group, or has no body (an
# axiom, which proofs/README.md must list).  From Frama-C's callgraph over the
# files of every WP group.
cov=()
if [ ${#want[@]} -eq 0 ] && [ -z "$fct_override$prop_override" ]; then
    declare -A seen=()
    allfiles=()
    for i in "${order[@]}"; do
        [ "${G_MODEL[$i]}" = eva ] && continue
        for f in ${G_FILES[$i]}; do
            [ -n "${seen[$f]:-}" ] || { seen[$f]=1; allfiles+=("$root/$f"); }
        done
    done
    if [ ${#allfiles[@]} -gt 0 ]; then
        rm -f "$out/callgraph.dot"
        frama-c -cpp-extra-args="$cpp" "${allfiles[@]}" -cg "$out/callgraph.dot" \
            -then -metrics -metrics-libc >"$out/callgraph.log" 2>&1
        cov=(--callgraph "$out/callgraph.dot" --metrics "$out/callgraph.log" \
             --readme "$here/README.md")
    fi
fi

t_end=$(date +%s.%N)
python3 "$here/report.py" "$manifest" --wall "$(awk "BEGIN{printf \"%.1f\", $t_end - $t_all}")" \
    --summary "$out/summary.txt" --verdicts "$out/verdicts.tsv" "${cov[@]}" ${fct_override:+--narrowed} \
    ${prop_override:+--narrowed}
}
main "$@"
exit $?
