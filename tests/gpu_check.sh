#!/usr/bin/env bash
# tests/gpu_check.sh BUILD -- make gpu-check: the CUDA backend on a machine
# with an NVIDIA GPU (issue 11), in one run of a few minutes:
#   1. the device (mada_cuda_status, through the CUnit binary);
#   2. the differential suite on device 0: every byte of the state and the
#      parameters compared with the reference computed on the CPU for the
#      same inputs (the CPU suite's lengths, boundary inputs, bad elements,
#      configurations and 1000-step learning runs), and the CUDA API suite;
#   3. compute-sanitizer --tool memcheck and --tool racecheck on the small
#      cases (every kernel path, short runs);
#   4. bench_cuda: binary32 n = 2^26 and 2^28, adam lean, avgrad lean and
#      mada learning, against a device bandwidth probe with the same streams
#      and torch.optim.Adam(fused=True) when importable.
# Prints one summary table; writes BUILD/gpu-check/summary.csv, the logs and
# the benchmark's CSV there.  Exit status: 0 all passed; 1 something failed;
# 3 no usable device (nothing run); 4 passed but a part could not run
# (compute-sanitizer missing).
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
out=$build/gpu-check
mkdir -p "$out"
bin=$build/tests/test_mada
status=0
incomplete=0
declare -a rows
csv=$out/summary.csv
echo "part,result,seconds" >"$csv"
row() {
    rows+=("$(printf '%-52s %-10s %5s s  %s' "$1" "$2" "$3" "$4")")
    echo "\"$1\",$2,$3" >>"$csv"
}

# 1. The device.
line=$("$bin" "CUDA API without a device" 2>&1 | grep -m1 'device 0:' | sed 's/.*device 0: //; s/passed$//')
echo "== device 0: ${line:-unknown}"
case $line in
    *"no usable device"*|*"built without CUDA"*|*"does not exist"*|"")
        echo "gpu-check: no usable CUDA device here: ${line:-the test binary said nothing}"
        exit 3;;
esac

# 2. The differential and API suites on the device.
t0=$SECONDS
log=$out/differential.log
"$bin" "CUDA device 0" >"$log" 2>&1
rc=$?
dline=$(grep -m1 -E '^ +differential cuda: ' "$log" | sed 's/^ *//')
cline=$(grep -E '^cunit: [0-9]+ passed' "$log" | tail -n 1)
if [ $rc -eq 0 ] && [[ $dline == *", 0 mismatches" ]]; then st=ok; else st=FAILED; status=1; fi
row "differential + API suites on device 0 (bit for bit)" "$st" $((SECONDS - t0)) "$dline; $cline"
grep -E 'MISMATCH|FAILED' "$log" | head -n 20

# 3. compute-sanitizer on the small cases.
san=$(command -v compute-sanitizer || true)
[ -z "$san" ] && [ -x /usr/local/cuda/bin/compute-sanitizer ] && san=/usr/local/cuda/bin/compute-sanitizer
for tool in memcheck racecheck; do
    t0=$SECONDS
    log=$out/sanitizer-$tool.log
    if [ -z "$san" ]; then
        row "compute-sanitizer --tool $tool (small cases)" "NOT RUN" 0 "compute-sanitizer not found"
        incomplete=1
        continue
    fi
    extra=""
    [ $tool = memcheck ] && extra="--leak-check full"
    "$san" --tool $tool $extra --error-exitcode 99 "$bin" "CUDA small cases" >"$log" 2>&1
    rc=$?
    summ=$(grep -m1 -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$log" | sed 's/^========= //')
    if [ $rc -eq 0 ] && grep -qE '^cunit: [1-9][0-9]* passed, 0 failed' "$log"; then st=ok
    else st=FAILED; status=1; fi
    row "compute-sanitizer --tool $tool (small cases)" "$st" $((SECONDS - t0)) "${summ:-exit $rc}"
done

# 4. The benchmark.
t0=$SECONDS
log=$out/bench_cuda.log
if "$build/gpu-check/bench_cuda" "$out/bench_cuda.csv" 2>&1 | tee "$log"; then st=ok
else st=FAILED; status=1; fi
row "bench_cuda (table above; CSV $out/bench_cuda.csv)" "$st" $((SECONDS - t0)) ""

echo
echo "make gpu-check summary"
printf '%s\n' "${rows[@]}"
echo "CSV: $csv"
if [ $status -ne 0 ]; then echo "gpu-check: FAILED"; exit 1; fi
if [ $incomplete -ne 0 ]; then echo "gpu-check: passed, but a part did not run"; exit 4; fi
echo "gpu-check: OK"
exit 0
