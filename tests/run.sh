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
    grep -E 'FAILED|^ +[0-9]+\. |worst|points;|d/d' "$log" | head -n 60
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

# The element kernel compiles unchanged as CUDA (compile only; no GPU here).
echo "== ref/element_impl.h compiled by nvcc (-fmad=false, IEEE div and sqrt)"
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
if [ -x "$nvcc" ]; then
    if "$nvcc" -std=c++17 -arch=sm_90 -fmad=false -prec-div=true -prec-sqrt=true -ftz=false \
           --Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror -Iinclude -Iref \
           -c tests/cuda_compile_check.cu -o "$build/cuda_compile_check.o"; then
        passed=$((passed + 1)); echo "  passed"
    else
        failed=$((failed + 1)); echo "  FAILED"
    fi
else
    echo "  SKIPPED: nvcc not found (not counted as passed)"
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
