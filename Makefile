# pgface: PGXS build of the extension, plus the core's unit tests.
EXTENSION = pgface
MODULE_big = pgface
DATA = pgface--0.1.sql

CORE_SRCS = $(wildcard src/face/*.c)
PG_SRCS = $(wildcard src/pg/*.c)
OBJS = $(PG_SRCS:.c=.o) $(CORE_SRCS:.c=.o)

REGRESS = pgface_catalog face_embedding_io face_embedding_binary face_embedding_cast face_distance
REGRESS_OPTS = --load-extension=pgface

WARNINGS = -Wall -Wextra -Werror
# Server headers count as system headers, so -Wextra judges our code, not theirs.
PG_CPPFLAGS = -I$(srcdir)/src -I$(srcdir)/src/pg -isystem $(shell $(PG_CONFIG) --includedir-server)
PG_CFLAGS = -std=gnu11 $(WARNINGS)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# ---- core unit tests: the core built apart from the server, with ASan and UBSan ----
BUILD = build
SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARNINGS) -g -O1 $(SANITIZE) -Isrc
UNIT_SRCS = $(wildcard test/unit/*.c)

$(BUILD)/unit_tests: $(CORE_SRCS) $(UNIT_SRCS) $(wildcard src/face/*.h test/unit/*.h)
	@mkdir -p $(BUILD)
	$(CC) $(UNIT_CFLAGS) -o $@ $(CORE_SRCS) $(UNIT_SRCS) -lm

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

# The distance kernel must be vectorised: the compiler's own report, then the packed
# float instructions in the object that goes into pgface.so.
vec-report: src/face/embedding_distance.o
	$(CC) $(CFLAGS) $(CPPFLAGS) -fopt-info-vec-optimized -c src/face/embedding_distance.c -o /dev/null
	objdump -d --no-show-raw-insn src/face/embedding_distance.o \
		| sed -n '/<pgface_l2_squared>:/,/ret/p' | grep -E 'v?(sub|mul|add)ps'

# The whole suite: build, install, throwaway cluster, pg_regress, unit tests.
test:
	bash test/run.sh

format:
	clang-format -i $(CORE_SRCS) $(PG_SRCS) $(wildcard src/*/*.h test/unit/*.[ch])

.PHONY: unit vec-report test format
EXTRA_CLEAN = $(BUILD) results regression.diffs regression.out
