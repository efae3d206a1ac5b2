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

PKGS     := libsecp256k1 nettle hogweed jansson yaml-0.1 libmicrohttpd gnutls grpc libprotobuf-c libcurl libseccomp libcap-ng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Wconversion -Wshadow -Wstrict-prototypes -Werror
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(SAN) $(WARN) -fPIC -Iinclude -Isrc -I$(BUILD)/gen \
             $(PKG_CFLAGS) -DAVSKEY_VERSION='"$(VERSION)"' -DAVSKEY_COMMIT='"$(COMMIT)"' $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lscrypt-kdf -lpthread $(LDLIBS)

LIB_SRC  := $(shell find src -name '*.c' -not -path 'src/cli/*' | sort)
# protobuf-c messages of the gRPC front, generated from proto/*.proto at build time
PROTO    := $(sort $(wildcard proto/*.proto))
GEN_C    := $(PROTO:proto/%.proto=$(BUILD)/gen/%.pb-c.c)
GEN_H    := $(GEN_C:.c=.h)
GEN_OBJ  := $(GEN_C:$(BUILD)/gen/%.c=$(BUILD)/obj/gen/%.o)
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
HDRS     := $(shell find include src tests/unit -name '*.h')

.PHONY: all run check bench install clean deps test-deps asan ctest fuzz
.SECONDARY: $(GEN_C) $(GEN_H)
all: $(BUILD)/avskey $(BUILD)/unit_tests $(BUILD)/bn254_oracle

$(BUILD)/obj/%.o: %.c $(HDRS) $(GEN_H) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/gen/%.pb-c.c $(BUILD)/gen/%.pb-c.h: proto/%.proto
	@mkdir -p $(BUILD)/gen
	@echo "  PROTOC-C  $<"
	@protoc-c --proto_path=proto --c_out=$(BUILD)/gen $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c $(GEN_H) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libavskey.a: $(LIB_OBJ) $(GEN_OBJ)
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
	$(MAKE) -j2 all
	$(MAKE) -j2 asan
	$(MAKE) -j2 fuzz-build
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
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 0755 $(BUILD)/libavskey.so.0 $(DESTDIR)$(PREFIX)/lib/libavskey.so.0
	ln -sf libavskey.so.0 $(DESTDIR)$(PREFIX)/lib/libavskey.so
	install -m 0644 $(BUILD)/avskey.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/avskey.pc

clean:
	rm -rf build

# ---- fuzzing (clang libFuzzer) ------------------------------------------
# The library is compiled once with coverage + sanitizers; each target links it.
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_OBJ     := $(LIB_SRC:%.c=build/fuzz/obj/%.o)
FUZZ_SECONDS ?= 600
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer-no-link,address,undefined -Iinclude -Isrc -Ibuild/gen $(PKG_CFLAGS)
FUZZ_GEN     := $(PROTO:proto/%.proto=build/gen/%.pb-c.c)
FUZZ_OBJ     += $(FUZZ_GEN:build/gen/%.c=build/fuzz/obj/gen/%.o)

.PHONY: fuzz-build fuzz
fuzz-build: $(FUZZ_BIN)

build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	@clang $(FUZZ_CFLAGS) -c $< -o $@

build/fuzz/obj/%.o: %.c $(HDRS) $(FUZZ_GEN:.c=.h)
	@mkdir -p $(dir $@)
	@echo "  CC (fuzz) $<"
	@clang $(FUZZ_CFLAGS) -c $< -o $@

build/fuzz/libavskey-fuzz.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/%: tests/fuzz/%.c build/fuzz/libavskey-fuzz.a
	@echo "  LD (fuzz) $@"
	@clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libavskey-fuzz.a $(LDLIBS_ALL)

fuzz: fuzz-build
	for f in $(FUZZ_BIN); do tests/fuzz/run.sh $${f#build/fuzz/fuzz_} $(FUZZ_SECONDS); done

# Constant-time test of the BN254/BLS secret paths (run it under valgrind:
# tests/cli/ctime_bn254.sh).
.PHONY: ctime
ctime: $(BUILD)/ctime_bn254

$(BUILD)/ctime_bn254: tests/ctime/ctime_bn254.c $(BUILD)/libavskey.a $(HDRS)
	$(CC) $(CFLAGS_ALL) -o $@ tests/ctime/ctime_bn254.c $(BUILD)/libavskey.a $(LDLIBS_ALL)

# ---- releases and images (deploy/README.md) -----------------------------
# make release   build/release/avskey-<version>-linux-<arch>.tar.gz + .sha256 +
#                .minisig (AVSKEY_MINISIGN_KEY=path to a minisign secret key)
# make image     OCI image localhost/avskey:<version> FROM scratch with buildah
.PHONY: release image
release:
	scripts/release

image: all
	deploy/build-image.sh

# ---- soak (not part of make check) ----------------------------------------
# make soak: avskey serve (ASan build, then valgrind) under wrk load on
# 127.0.0.1 for SOAK_SECONDS, RSS and leak report; then SOAK_CRASH_RUNS
# SIGKILLed keys create and as many keys passwd (tests/cli/crash_safety.sh).
# SOAK_CRASH_RUNS=0 or SOAK_VALGRIND_SECONDS=0 skips those parts.
.PHONY: soak
SOAK_SECONDS ?= 60
SOAK_VALGRIND_SECONDS ?= 30
SOAK_CRASH_RUNS ?= 200
soak: all asan
	SOAK_SECONDS=$(SOAK_SECONDS) SOAK_VALGRIND_SECONDS=$(SOAK_VALGRIND_SECONDS) \
	    SOAK_CRASH_RUNS=$(SOAK_CRASH_RUNS) AVSKEY_TOP=$(CURDIR) tests/soak/soak.sh

# ---- test-only: avskey's BN254 behind a JSON-lines pipe ---------------------
# build/bn254_oracle serves tests/interop/bn254_noble.test.mjs (comparison
# with @noble/curves); never installed.
$(BUILD)/bn254_oracle: tools/bn254_oracle.c $(BUILD)/libavskey.a $(HDRS)
	$(CC) $(CFLAGS_ALL) -o $@ tools/bn254_oracle.c $(BUILD)/libavskey.a $(LDLIBS_ALL)

# ---- shared library and pkg-config file ----------------------------------
# build/libavskey.so exports the avskey_* API only (src/avskey.map; checked
# by tests/cli/signer_symbols.sh); build/avskey.pc describes it.
SOMAJOR := 0
all: $(BUILD)/libavskey.so $(BUILD)/avskey.pc

$(BUILD)/libavskey.so.$(SOMAJOR): $(LIB_OBJ) $(GEN_OBJ) src/avskey.map
	$(CC) -shared $(OPT) $(SAN) -Wl,-soname,libavskey.so.$(SOMAJOR) -Wl,--version-script=src/avskey.map \
	    -Wl,--no-undefined -o $@ $(LIB_OBJ) $(GEN_OBJ) $(LDLIBS_ALL)

$(BUILD)/libavskey.so: $(BUILD)/libavskey.so.$(SOMAJOR)
	ln -sf libavskey.so.$(SOMAJOR) $@

$(BUILD)/avskey.pc: Makefile VERSION
	@mkdir -p $(BUILD)
	@printf '%s\n' 'prefix=$(PREFIX)' 'exec_prefix=$${prefix}' 'libdir=$${exec_prefix}/lib' \
	    'includedir=$${prefix}/include' '' 'Name: avskey' \
	    'Description: AVS operator keys and signers (keystore, Web3Signer, Cerberus)' \
	    'Version: $(VERSION)' 'Requires: jansson' \
	    'Requires.private: $(filter-out jansson,$(PKGS))' \
	    'Libs: -L$${libdir} -lavskey' 'Libs.private: -lscrypt-kdf -lpthread' \
	    'Cflags: -I$${includedir}' > $@

# ---- examples (built with the library; run by tests/cli/signer_example.sh) --
EXAMPLES := $(patsubst examples/%.c,$(BUILD)/%,$(wildcard examples/*.c))
all: $(EXAMPLES)

$(BUILD)/%: examples/%.c $(BUILD)/libavskey.a $(HDRS)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libavskey.a $(LDLIBS_ALL)
