# MADA and AVGrad: reference implementation.
#   make            static and shared library in build/
#   make test       install missing packages, build, run every test suite
#   make verify     the main job: the Frama-C proofs, the mutation check,
#                   build hygiene, ACSL lint, the tests (proofs/verify_all.sh)
#   make proofs     the Frama-C proofs only (proofs/run.sh; proofs/README.md)
#   make verify-full  the same as make verify (kept for old scripts)
#   make verify-mutants  the mutation check only (proofs/mutants/run.sh)
#   make bench      the fast paths against a bandwidth probe and PyTorch (docs/BENCHMARKS.md)
#   make experiments-quick  the convergence claims checked on short runs (spec 11;
#                   build/mada-analysis; run by make verify)
#   make experiments  the full studies (about 20 min): CSVs into docs/data/
#   make report     figures (docs/figures/) and docs/report.pdf from docs/data/
#   make fuzz FUZZ_SECONDS=N   differential fuzzing, new inputs kept in fuzz/corpus
#   make gpu-check  on a machine with an NVIDIA GPU: the CUDA backend's differential
#                   suite, compute-sanitizer and benchmark (tests/gpu_check.sh)
#   make install PREFIX=/usr/local   library, header and mada.pc
#   make deps       install the Debian packages the project needs (as root)
#   make clean

ifeq ($(origin CC),default)
CC := gcc
endif
PREFIX  ?= /usr/local
BUILD   := build

VERSION := 0.1.0
SOMAJOR := 0

# Numbers: no fast-math, no contraction (FMA), IEEE sqrt without errno.
CFLAGS_BASE := -std=c11 -O2 -Wall -Wextra -Werror -ffp-contract=off -fno-math-errno \
               -fno-strict-aliasing -fopenmp -Iinclude -Iref
CFLAGS  ?=
ALL_CFLAGS := $(CFLAGS_BASE) $(CFLAGS)
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer

LIB_SRC  := ref/scalars.c ref/kernels.c ref/project.c ref/hyper.c ref/validate.c ref/crc64.c ref/fpenv.c \
            ref/optimizer.c ref/state_file.c fast/dispatch.c fast/avx512.c fast/avx2.c
ANA_SRC  := analysis/mada_mpfr.c analysis/toy.c analysis/mp_opt.c analysis/problems.c analysis/studies.c
TEST_SRC := $(wildcard tests/*.c)
HDRS     := include/mada.h $(wildcard ref/*.h) $(wildcard fast/*.h) $(wildcard analysis/*.h) \
            $(wildcard tests/*.h) $(wildcard fast/cuda/*.h)

# CUDA (fast/cuda/): built when nvcc exists (PATH or /usr/local/cuda), for
# sm_80 and sm_90 plus PTX, with IEEE division and square root, no FMA
# contraction and no flush-to-zero; otherwise fast/cuda/cuda_none.c says
# "built without CUDA".  The CUDA runtime is linked statically.
NVCC ?= $(shell command -v nvcc 2>/dev/null || (test -x /usr/local/cuda/bin/nvcc && echo /usr/local/cuda/bin/nvcc))
CUDA_HOME ?= $(patsubst %/bin/nvcc,%,$(NVCC))
NVCC_FLAGS := -std=c++17 -O3 -fmad=false -prec-div=true -prec-sqrt=true -ftz=false \
              -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 \
              -gencode arch=compute_90,code=compute_90 \
              --Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror,-fno-exceptions \
              -Iinclude -Iref -Ifast/cuda
ifneq ($(NVCC),)
CUDA_OBJ    := $(BUILD)/obj/fast/cuda/mada_cuda.o
CUDA_PIC    := $(BUILD)/pic/fast/cuda/mada_cuda.o
CUDA_LIBS   := -L$(CUDA_HOME)/lib64 -lcudart_static -ldl -lrt -lpthread -lstdc++
else
LIB_SRC     += fast/cuda/cuda_none.c
CUDA_LIBS   :=
endif

LIB_OBJ     := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(CUDA_OBJ)
LIB_PIC_OBJ := $(patsubst %.c,$(BUILD)/pic/%.o,$(LIB_SRC)) $(CUDA_PIC)

TEST_LIBS = -lmpfr -lgmp -lcunit -lm -lpthread -fopenmp $(CUDA_LIBS)

# Debian 12 packages: compilers' companions, proof tools, libraries, TeX.
DEB_PKGS := gcc make pkg-config clang libclang-rt-14-dev libomp-14-dev \
            frama-c-base why3 z3 cvc4 cvc5 gappa \
            libmpfr-dev libgmp-dev libcunit1-dev \
            texlive-latex-base texlive-latex-recommended texlive-latex-extra \
            texlive-science lmodern latexmk gnuplot-nox poppler-utils

.PHONY: all lib test verify verify-full proofs verify-mutants install uninstall deps clean \
        check-test-binaries print-cflags print-nvcc print-libs fuzz bench gpu-check \
        experiments-quick experiments
.DELETE_ON_ERROR:

all: lib

lib: $(BUILD)/libmada.a $(BUILD)/libmada.so

$(BUILD)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/pic/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(BUILD)/obj/fast/cuda/mada_cuda.o: fast/cuda/mada_cuda.cu fast/cuda/cuda_impl.h $(HDRS)
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCC_FLAGS) -c $< -o $@

$(BUILD)/pic/fast/cuda/mada_cuda.o: fast/cuda/mada_cuda.cu fast/cuda/cuda_impl.h $(HDRS)
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCC_FLAGS) -Xcompiler -fPIC -c $< -o $@

# The CPU fast paths: -O3 (GCC's vectoriser with its full cost model; no
# fast-math, no contraction: the flags above stay).
FAST_OPT := -O3
$(BUILD)/obj/fast/avx512.o $(BUILD)/pic/fast/avx512.o $(BUILD)/obj/fast/avx2.o \
$(BUILD)/pic/fast/avx2.o: ALL_CFLAGS += $(FAST_OPT)

$(BUILD)/libmada.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/libmada.so: $(LIB_PIC_OBJ)
	$(CC) -shared -fopenmp -Wl,-soname,libmada.so.$(SOMAJOR) -o $(BUILD)/libmada.so.$(VERSION) $^ \
	    -lm -lpthread $(CUDA_LIBS)
	ln -sf libmada.so.$(VERSION) $(BUILD)/libmada.so.$(SOMAJOR)
	ln -sf libmada.so.$(VERSION) $@

# ---- Tests ------------------------------------------------------------------
# One CUnit binary with every suite, built plain (linked with the library's
# own objects, so that the fast paths under test are the vectorised code the
# library ships) and with ASan + UBSan (every source again, sanitized).
TEST_INC  := -Ianalysis -Itests -Ifast/cuda
TEST_OBJ  := $(patsubst %.c,$(BUILD)/obj/%.o,$(TEST_SRC) $(ANA_SRC))
SAN_OBJ   := $(patsubst %.c,$(BUILD)/san/%.o,$(LIB_SRC) $(TEST_SRC) $(ANA_SRC)) $(CUDA_OBJ)

$(BUILD)/obj/tests/%.o $(BUILD)/obj/analysis/%.o: ALL_CFLAGS += $(TEST_INC)

$(BUILD)/tests/test_mada: $(TEST_OBJ) $(BUILD)/libmada.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libmada.a $(TEST_LIBS)

$(BUILD)/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(TEST_INC) -c $< -o $@
$(BUILD)/san/fast/avx512.o $(BUILD)/san/fast/avx2.o: SAN_FLAGS += $(FAST_OPT)

$(BUILD)/tests/test_mada_san: $(SAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $(SAN_OBJ) $(TEST_LIBS)

# ---- Differential fuzzing (libFuzzer, clang) -----------------------------------
# make fuzz FUZZ_SECONDS=N: fuzz for N seconds, keeping inputs that reach new
# coverage in fuzz/corpus (commit them); make test replays the corpus and
# fuzzes 60 s into a scratch directory.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -std=c11 -g -O2 -ffp-contract=off -fno-math-errno -fno-strict-aliasing \
              -fopenmp -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Wno-pass-failed \
              -Iinclude -Iref -Ifast
$(BUILD)/fuzz/fuzz_diff: fuzz/fuzz_diff.c tests/cuda_emul.c $(LIB_SRC) $(HDRS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -Ifast/cuda -o $@ fuzz/fuzz_diff.c tests/cuda_emul.c \
	    $(filter-out fast/cuda/%,$(LIB_SRC)) fast/cuda/cuda_none.c -lm

fuzz: deps $(BUILD)/fuzz/fuzz_diff
	@mkdir -p fuzz/corpus
	$(BUILD)/fuzz/fuzz_diff -max_total_time=$(FUZZ_SECONDS) -timeout=30 -rss_limit_mb=4096 \
	    fuzz/corpus

# ---- Benchmark (not a test: make bench; docs/BENCHMARKS.md) ------------------
$(BUILD)/bench/bench: bench/bench.c $(BUILD)/libmada.a
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O3 -march=native -ffp-contract=off -fopenmp -Wall -Wextra -Werror \
	    -Iinclude -o $@ bench/bench.c $(BUILD)/libmada.a -lm $(CUDA_LIBS)

bench: $(BUILD)/bench/bench
	$(BUILD)/bench/bench $(BUILD)/bench/bench.csv

# ---- The CUDA backend on a GPU (make gpu-check; tests/gpu_check.sh) ---------
$(BUILD)/gpu-check/bench_cuda: bench/bench_cuda.cu $(BUILD)/libmada.a
	@mkdir -p $(dir $@)
	$(NVCC) -std=c++17 -O3 -fmad=false -gencode arch=compute_80,code=sm_80 \
	    -gencode arch=compute_90,code=sm_90 -Iinclude -o $@ bench/bench_cuda.cu \
	    $(BUILD)/libmada.a -Xcompiler -fopenmp -lm

ifneq ($(NVCC),)
gpu-check: $(BUILD)/tests/test_mada $(BUILD)/gpu-check/bench_cuda
	@bash tests/gpu_check.sh $(BUILD)
else
gpu-check:
	@echo "gpu-check: nvcc was not found (PATH or /usr/local/cuda): the CUDA backend is not built" >&2
	@exit 2
endif

check-test-binaries: $(BUILD)/tests/test_mada $(BUILD)/tests/test_mada_san $(BUILD)/libmada.a \
                     $(BUILD)/fuzz/fuzz_diff $(BUILD)/mada-analysis

# ---- The convergence studies (spec 11; analysis/, issue 13) ------------------
# mada-analysis: one subcommand per study (mada-analysis --help).
ANALYSIS_SRC := analysis/mada_analysis.c analysis/toy.c analysis/mp_opt.c analysis/problems.c \
                analysis/studies.c
$(BUILD)/mada-analysis: $(ANALYSIS_SRC) $(HDRS) $(BUILD)/libmada.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ianalysis -o $@ $(ANALYSIS_SRC) \
	    $(BUILD)/libmada.a -lmpfr -lgmp -lm -lpthread $(CUDA_LIBS)

# The claims the runs support, checked (exit 1 and the failing claim named
# when one does not hold; docs/DECISIONS.md D25, D26); CSV and claims.csv in
# build/experiments/.  About 2.5 minutes on 2 cores.
EXPQ := $(BUILD)/experiments
experiments-quick: deps $(BUILD)/mada-analysis
	@mkdir -p $(EXPQ)
	@rm -f $(EXPQ)/claims.csv && echo "study,id,dtype,holds,value,text" > $(EXPQ)/claims.csv
	$(BUILD)/mada-analysis toy --check --mpfr 128 --out $(EXPQ)/toy.csv --claims $(EXPQ)/claims.csv --quiet
	$(BUILD)/mada-analysis terms --check --steps 20000 --dir $(EXPQ) --claims $(EXPQ)/claims.csv --quiet
	$(BUILD)/mada-analysis rates --check --steps 100000 --seeds 20 --dir $(EXPQ) --claims $(EXPQ)/claims.csv --quiet
	$(BUILD)/mada-analysis precision --steps 200000 --dir $(EXPQ) --claims $(EXPQ)/claims.csv --quiet
	$(BUILD)/mada-analysis errors --check --steps 300 --dir $(EXPQ) --claims $(EXPQ)/claims.csv --quiet

# The full studies (spec 11; 13 minutes on 2 cores, measured 2026-12-01): the CSVs of the
# report into docs/data/ (committed), the error study's worst steps into
# tests/data/error_worst_cases.csv (replayed by make test).  Then make report.
EXPDATA := docs/data
experiments: deps $(BUILD)/mada-analysis
	@mkdir -p $(EXPDATA)
	@echo "study,id,dtype,holds,value,text" > $(EXPDATA)/claims.csv
	$(BUILD)/mada-analysis toy --check --mpfr 256 --out $(EXPDATA)/toy.csv --claims $(EXPDATA)/claims.csv
	$(BUILD)/mada-analysis terms --check --steps 2000000 --prec 128 --dir $(EXPDATA) --claims $(EXPDATA)/claims.csv
	$(BUILD)/mada-analysis rates --check --steps 100000 --seeds 50 --dir $(EXPDATA) --claims $(EXPDATA)/claims.csv
	$(BUILD)/mada-analysis precision --steps 2000000 --prec 256 --dir $(EXPDATA) --claims $(EXPDATA)/claims.csv
	$(BUILD)/mada-analysis errors --check --steps 5000 --dir $(EXPDATA) --claims $(EXPDATA)/claims.csv \
	    --worst tests/data/error_worst_cases.csv

include analysis/report/report.mk
report figures: deps

test: deps
	@$(MAKE) --no-print-directory check-test-binaries
	@bash tests/run.sh $(BUILD)

# The main job: proofs, mutation check, hygiene, lint, tests; one summary
# (proofs/verify_all.sh).
verify: deps
	@$(MAKE) --no-print-directory check-test-binaries
	@bash proofs/verify_all.sh $(BUILD)

verify-full: verify

# Every proof group of proofs/groups.conf (WP float and real models, EVA);
# one group: bash proofs/run.sh GROUP.  Outputs in build/proofs.
proofs: deps
	@bash proofs/run.sh

# Every planted fault of proofs/mutants/ must make its proof fail.
verify-mutants: deps
	@bash proofs/mutants/run.sh

# The flags every C file is compiled with (checked by make verify).
print-cflags:
	@echo $(ALL_CFLAGS)

# The nvcc the CUDA backend is built with (empty: built without CUDA).
print-nvcc:
	@echo $(NVCC)

# What a program linked with build/libmada.a needs after it.
print-libs:
	@echo -lm -lpthread -fopenmp $(CUDA_LIBS)

# ---- Install ------------------------------------------------------------------
install: lib
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 include/mada.h $(DESTDIR)$(PREFIX)/include/mada.h
	install -m 644 $(BUILD)/libmada.a $(DESTDIR)$(PREFIX)/lib/libmada.a
	install -m 755 $(BUILD)/libmada.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libmada.so.$(VERSION)
	ln -sf libmada.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libmada.so.$(SOMAJOR)
	ln -sf libmada.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libmada.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' -e 's|@CUDA_LIBS@|$(CUDA_LIBS)|g' mada.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/mada.pc

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/mada.h $(DESTDIR)$(PREFIX)/lib/libmada.a \
	      $(DESTDIR)$(PREFIX)/lib/libmada.so* $(DESTDIR)$(PREFIX)/lib/pkgconfig/mada.pc

# ---- Dependencies ---------------------------------------------------------------
# A quick no-op when every package is present; installs the missing ones as
# root; says what to run otherwise.
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -z "$$missing" ]; then echo "deps: all $(words $(DEB_PKGS)) packages present"; exit 0; fi; \
	echo "deps: missing:" $$missing; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "deps: not root; run as root: apt-get install -y --no-install-recommends" $$missing; exit 1; \
	fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	  || { echo "deps: apt-get failed"; exit 1; }; \
	echo "deps: installed" $$missing

clean:
	rm -rf $(BUILD)
