# ---- fuzzing (issue 7): libFuzzer harnesses for the photo path, the face_embedding text
# parser and the model-file loader, built with clang, ASan and UBSan (fuzz/README.md) ----
FUZZ_CC = clang
FUZZ_DIR = $(BUILD)/fuzz
# One decode harness per decoder (fuzz/decode_fuzz.c), named by the format it keeps.
DECODE_FORMATS = JPEG PNG WebP HEIF BMP GIF
DECODE_HARNESSES = $(foreach format,$(DECODE_FORMATS),decode_$(format)_fuzz)
FUZZ_HARNESSES = photo_fuzz embedding_text_fuzz model_file_fuzz $(DECODE_HARNESSES)
FUZZ_BINS = $(addprefix $(FUZZ_DIR)/,$(FUZZ_HARNESSES))
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu11 $(WARNINGS) -Isrc -isystem /usr/include/stb -g -O1 $(FUZZ_SANITIZE)
FUZZ_CORE_OBJS = $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(CORE_SRCS))
FUZZ_SECONDS ?= 60
PGFACE_MODEL_DIR ?= $(MODELS)

# The layer kernels run on fixed shapes whatever the input (the detector's 128x128, the
# landmark net's 112x112, the 150x150 chip): their coverage teaches the fuzzer nothing and
# instrumenting it at -O1 made a photo with a face cost 2.5x more. They keep ASan and UBSan
# but are built at -O2 without coverage. model_file.c and blas.c stay instrumented.
FUZZ_KERNEL_OBJS = $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,\
	$(filter-out src/nn/model_file.c src/nn/blas.c,$(wildcard src/nn/*.c)))
FUZZ_OBJ_FLAGS = -fsanitize=fuzzer-no-link
$(FUZZ_KERNEL_OBJS): FUZZ_OBJ_FLAGS = -O2

# The core once; each harness links what it uses from the archive.
$(FUZZ_DIR)/obj/%.o: src/%.c $(CORE_HEADERS) fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_OBJ_FLAGS) -c -o $@ $<

$(FUZZ_DIR)/libcore.a: $(FUZZ_CORE_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/%_fuzz: fuzz/%_fuzz.c $(FUZZ_DIR)/libcore.a $(CORE_HEADERS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/libcore.a $(CORE_LIBS)

$(FUZZ_DIR)/decode_%_fuzz: fuzz/decode_fuzz.c $(FUZZ_DIR)/libcore.a $(CORE_HEADERS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -DPGFACE_FUZZ_FORMAT='"$*"' -o $@ $< \
		$(FUZZ_DIR)/libcore.a $(CORE_LIBS)

# The seed writer is an ordinary program: no sanitizers (stb_image_write's JPEG coder
# shifts negative ints), and only the core files it calls.
$(FUZZ_DIR)/make_seeds: fuzz/make_seeds.c src/face/embedding_text.c src/nn/model_file.c \
		src/common/runtime.c src/common/status.c test/common/jpeg_buffer.h $(CORE_HEADERS)
	@mkdir -p $(FUZZ_DIR)
	$(CC) $(CORE_CFLAGS) -O1 -o $@ fuzz/make_seeds.c src/face/embedding_text.c \
		src/nn/model_file.c src/common/runtime.c src/common/status.c -lm

fuzz-build: $(FUZZ_BINS) $(FUZZ_DIR)/make_seeds

# Seeds into $(FUZZ_DIR)/corpus-*/, then each harness for FUZZ_SECONDS, one after another.
fuzz: fuzz-build $(MODEL_FILES)
	$(FUZZ_DIR)/make_seeds $(FUZZ_DIR) $(MODELS)
	fuzz/make_decode_seeds.sh $(FUZZ_DIR)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_DIR=$(FUZZ_DIR) PGFACE_MODEL_DIR=$(PGFACE_MODEL_DIR) \
		fuzz/run.sh $(FUZZ_HARNESSES)

.PHONY: fuzz fuzz-build
EXTRA_CLEAN += $(FUZZ_DIR)
