#!/usr/bin/env bash
# tests/run.sh BUILD -- everything `make test` runs, in order:
#   1. the CUnit suites, plain build
#   2. the same suites under AddressSanitizer and UndefinedBehaviorSanitizer
#   3. the README example, compiled against an installed copy of the library
#      through pkg-config, and run
# Prints each part's result and a final "N passed, N failed" line; exits
# non-zero if anything failed or nothing ran.
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
passed=0
failed=0

# Count "cunit: N passed, M failed" from a suite log.
count() {
    local line
    line=$(grep -E '^cunit: [0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1)
    if [ -z "$line" ]; then
        echo "  (no summary line: the binary crashed or did not run)"
        failed=$((failed + 1))
        return
    fi
    set -- $line
    passed=$((passed + $2))
    failed=$((failed + $4))
}

run_suites() {
    local name=$1 bin=$2 log
    log=$(mktemp)
    echo "== $name: $bin"
    local t0=$SECONDS
    "$bin" >"$log" 2>&1
    local rc=$?
    grep -E 'FAILED|^ +[0-9]+\. |worst|points;|d/d|differential |default backend|random configurations|results |SKIPPED' "$log" | head -n 60
    sed -n '/Run Summary/,$p' "$log"
    count "$log"
    if [ $rc -ne 0 ] && ! grep -qE '^cunit: [0-9]+ passed, [1-9]' "$log"; then
        echo "  exit status $rc with no failed test: counted as a failure"
        tail -n 20 "$log"
        failed=$((failed + 1))
    fi
    echo "   ($((SECONDS - t0)) s)"
    rm -f "$log"
}

run_suites "CUnit suites" "$build/tests/test_mada"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    run_suites "CUnit suites under ASan + UBSan" "$build/tests/test_mada_san"

# Differential fuzzing (fuzz/fuzz_diff.c): replay the kept corpus, then fuzz
# for FUZZ_SECONDS (60) into a scratch directory; any difference between a
# fast backend and the reference, or a sanitizer report, fails.
fuzz_bin="$build/fuzz/fuzz_diff"
fuzz_s=${FUZZ_SECONDS:-60}
echo "== differential fuzzing: fuzz/corpus replayed, then ${fuzz_s} s of new inputs"
if [ -x "$fuzz_bin" ]; then
    flog=$(mktemp)
    scratch=$(mktemp -d)
    ncorp=$(find fuzz/corpus -type f | wc -l)
    if "$fuzz_bin" -rss_limit_mb=4096 fuzz/corpus/* >"$flog" 2>&1 &&
       "$fuzz_bin" -max_total_time="$fuzz_s" -max_len=200 -timeout=30 -rss_limit_mb=4096 \
           "$scratch" fuzz/corpus >>"$flog" 2>&1; then
        runs=$(grep -oE 'Done [0-9]+ runs' "$flog" | tail -n 1)
        echo "  passed: $ncorp corpus inputs replayed; ${runs:-no run line} in ${fuzz_s} s, no difference"
        passed=$((passed + 1))
    else
        echo "  FAILED:"; tail -n 30 "$flog"
        failed=$((failed + 1))
    fi
    rm -rf "$flog" "$scratch"
else
    echo "  FAILED: $fuzz_bin was not built"
    failed=$((failed + 1))
fi

# The CUDA backend (fast/cuda/) is compiled into the library by nvcc when it
# exists; its kernels' element code is run above on the host (cuda-emul) and
# on a GPU only by the suites that need device 0 (SKIPPED here without one).
echo "== CUDA backend compiled into the library (nvcc -fmad=false, IEEE div and sqrt)"
if [ -n "$(make -s --no-print-directory print-nvcc)" ]; then
    if ar t "$build/libmada.a" 2>/dev/null | grep -qx mada_cuda.o; then
        passed=$((passed + 1)); echo "  passed"
    else
        failed=$((failed + 1)); echo "  FAILED: nvcc exists but $build/libmada.a has no CUDA backend"
    fi
else
    echo "  SKIPPED: nvcc not found, the library is built without CUDA (not counted as passed)"
fi

# The proof harness of the domain (proofs/domain_harness.c) calls the library's
# own functions: it must still compile against them, so that it cannot drift
# from their signatures unnoticed.
echo "== proofs/domain_harness.c compiles against ref/ (gcc -Wall -Wextra -Werror)"
if gcc -std=c11 -Wall -Wextra -Werror -Wno-unused-function -Iinclude -Iref -fsyntax-only \
       proofs/domain_harness.c; then
    passed=$((passed + 1)); echo "  passed"
else
    failed=$((failed + 1)); echo "  FAILED"
fi

# README example: install into a scratch prefix, build with pkg-config, run.
echo "== README example through make install and pkg-config"
tmp=$(mktemp -d)
ok=1
sed -n '/<!-- example:begin -->/,/<!-- example:end -->/p' README.md |
    sed -e '/<!--/d' -e '/^```/d' >"$tmp/example.c"
if [ ! -s "$tmp/example.c" ]; then
    echo "  README.md has no example block"; ok=0
elif ! make --no-print-directory -s install PREFIX="$tmp/prefix" >"$tmp/install.log" 2>&1; then
    echo "  make install failed:"; cat "$tmp/install.log"; ok=0
else
    export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
    flags=$(pkg-config --cflags --libs mada) || ok=0
    echo "  pkg-config --cflags --libs mada: $flags"
    if [ $ok = 1 ] && gcc -std=c11 -Wall -Wextra -Werror "$tmp/example.c" $flags \
           -Wl,-rpath,"$tmp/prefix/lib" -lm -o "$tmp/example"; then
        if "$tmp/example" >"$tmp/out.txt" 2>&1; then
            sed 's/^/  | /' "$tmp/out.txt"
        else
            echo "  example exited non-zero:"; cat "$tmp/out.txt"; ok=0
        fi
    else
        echo "  example did not compile"; ok=0
    fi
fi
rm -rf "$tmp"
if [ $ok = 1 ]; then passed=$((passed + 1)); echo "  passed"; else failed=$((failed + 1)); fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
