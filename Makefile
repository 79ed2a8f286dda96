# MADA and AVGrad: reference implementation.
#   make            static and shared library in build/
#   make test       install missing packages, build, run every test suite
#   make verify     the main job: the Frama-C proofs, the mutation check,
#                   build hygiene, ACSL lint, the tests (proofs/verify_all.sh)
#   make proofs     the Frama-C proofs only (proofs/run.sh; proofs/README.md)
#   make verify-full  the same as make verify (kept for old scripts)
#   make verify-mutants  the mutation check only (proofs/mutants/run.sh)
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

LIB_SRC  := ref/scalars.c ref/kernels.c ref/hyper.c ref/validate.c ref/crc64.c ref/fpenv.c \
            ref/optimizer.c ref/state_file.c fast/dispatch.c fast/avx512.c fast/avx2.c
ANA_SRC  := analysis/mada_mpfr.c
TEST_SRC := $(wildcard tests/*.c)
HDRS     := include/mada.h $(wildcard ref/*.h) $(wildcard fast/*.h) $(wildcard analysis/*.h) \
            $(wildcard tests/*.h)

LIB_OBJ     := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC))
LIB_PIC_OBJ := $(patsubst %.c,$(BUILD)/pic/%.o,$(LIB_SRC))

TEST_LIBS := -lmpfr -lgmp -lcunit -lm -lpthread -fopenmp

# Debian 12 packages: compilers' companions, proof tools, libraries, TeX.
DEB_PKGS := gcc make pkg-config frama-c-base why3 z3 cvc4 cvc5 gappa \
            libmpfr-dev libgmp-dev libcunit1-dev \
            texlive-latex-base texlive-latex-recommended texlive-latex-extra \
            texlive-science lmodern latexmk gnuplot-nox poppler-utils

.PHONY: all lib test verify verify-full proofs verify-mutants install uninstall deps clean \
        check-test-binaries print-cflags
.DELETE_ON_ERROR:

all: lib

lib: $(BUILD)/libmada.a $(BUILD)/libmada.so

$(BUILD)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/pic/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

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
	$(CC) -shared -fopenmp -Wl,-soname,libmada.so.$(SOMAJOR) -o $(BUILD)/libmada.so.$(VERSION) $^ -lm -lpthread
	ln -sf libmada.so.$(VERSION) $(BUILD)/libmada.so.$(SOMAJOR)
	ln -sf libmada.so.$(VERSION) $@

# ---- Tests ------------------------------------------------------------------
# One CUnit binary with every suite, built plain and with ASan + UBSan.
$(BUILD)/tests/test_mada: $(TEST_SRC) $(LIB_SRC) $(ANA_SRC) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ianalysis -Itests -o $@ $(TEST_SRC) $(LIB_SRC) $(ANA_SRC) $(TEST_LIBS)

$(BUILD)/tests/test_mada_san: $(TEST_SRC) $(LIB_SRC) $(ANA_SRC) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Ianalysis -Itests -o $@ $(TEST_SRC) $(LIB_SRC) $(ANA_SRC) $(TEST_LIBS)

check-test-binaries: $(BUILD)/tests/test_mada $(BUILD)/tests/test_mada_san $(BUILD)/libmada.a

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

# ---- Install ------------------------------------------------------------------
install: lib
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 include/mada.h $(DESTDIR)$(PREFIX)/include/mada.h
	install -m 644 $(BUILD)/libmada.a $(DESTDIR)$(PREFIX)/lib/libmada.a
	install -m 755 $(BUILD)/libmada.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libmada.so.$(VERSION)
	ln -sf libmada.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libmada.so.$(SOMAJOR)
	ln -sf libmada.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libmada.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' mada.pc.in \
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
