# avskey — one Makefile for everything.
#   make            build build/avskey (and the library and unit tests)
#   make run        install deps, build, create ./demo keys if absent, show them
#   make check      install deps (also test-only), build with -Werror, ASan+UBSan
#                   build, run every test through ctest
#   make bench      avskey bench
#   make install    PREFIX=/usr/local
#   make fuzz       longer libFuzzer runs (clang)

PREFIX   ?= /usr/local
CC       ?= cc
BUILD    ?= build
OPT      ?= -O2 -g
SAN      ?=
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
COMMIT   := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

PKGS     := libsecp256k1 nettle hogweed jansson yaml-0.1 libmicrohttpd gnutls libseccomp libcap-ng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Wconversion -Wshadow -Wstrict-prototypes -Werror
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(SAN) $(WARN) -fPIC -Iinclude -Isrc \
             $(PKG_CFLAGS) -DAVSKEY_VERSION='"$(VERSION)"' -DAVSKEY_COMMIT='"$(COMMIT)"' $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lscrypt-kdf -lpthread $(LDLIBS)

LIB_SRC  := $(shell find src -name '*.c' -not -path 'src/cli/*' | sort)
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
HDRS     := $(shell find include src -name '*.h')

.PHONY: all run check bench install clean deps test-deps asan ctest fuzz
all: $(BUILD)/avskey $(BUILD)/unit_tests

$(BUILD)/obj/%.o: %.c $(HDRS) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libavskey.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/avskey: $(CLI_OBJ) $(BUILD)/libavskey.a
	$(CC) $(OPT) $(SAN) -o $@ $(CLI_OBJ) $(BUILD)/libavskey.a $(LDLIBS_ALL)

$(BUILD)/unit_tests: $(TEST_OBJ) $(BUILD)/libavskey.a
	$(CC) $(OPT) $(SAN) -o $@ $(TEST_OBJ) $(BUILD)/libavskey.a $(LDLIBS_ALL)

deps:
	@scripts/install-deps

test-deps:
	@scripts/install-deps --test

asan:
	$(MAKE) BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	    build/asan/avskey build/asan/unit_tests

run: deps
	$(MAKE) all
	scripts/demo

check: test-deps
	$(MAKE) all
	$(MAKE) asan
	$(MAKE) fuzz-build
	$(MAKE) ctime
	$(MAKE) ctest

ctest: all
	@scripts/gen-ctest $(BUILD)
	cd $(BUILD) && ctest --output-on-failure --timeout 900 -j2

bench: all
	$(BUILD)/avskey bench

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/avskey
	install -m 0755 $(BUILD)/avskey $(DESTDIR)$(PREFIX)/bin/avskey
	install -m 0644 $(BUILD)/libavskey.a $(DESTDIR)$(PREFIX)/lib/libavskey.a
	install -m 0644 include/avskey/*.h $(DESTDIR)$(PREFIX)/include/avskey/

clean:
	rm -rf build

# ---- fuzzing (clang libFuzzer) ------------------------------------------
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 600
FUZZ_FLAGS   := -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -Iinclude -Isrc $(PKG_CFLAGS)

.PHONY: fuzz-build fuzz
fuzz-build: $(FUZZ_BIN)

build/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(HDRS)
	@mkdir -p build/fuzz
	clang $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(LDLIBS_ALL)

fuzz: fuzz-build
	for f in $(FUZZ_BIN); do tests/fuzz/run.sh $${f#build/fuzz/fuzz_} $(FUZZ_SECONDS); done

# Constant-time test of the BN254/BLS secret paths (run it under valgrind:
# tests/cli/ctime_bn254.sh).
.PHONY: ctime
ctime: $(BUILD)/ctime_bn254

$(BUILD)/ctime_bn254: tests/ctime/ctime_bn254.c $(BUILD)/libavskey.a $(HDRS)
	$(CC) $(CFLAGS_ALL) -o $@ tests/ctime/ctime_bn254.c $(BUILD)/libavskey.a $(LDLIBS_ALL)
