# The two commands of the README, and their parts.
#   make        build ./build/isms
#   make run    build, create the demo repository, verify it, show its summary, serve it on the web
#   make check  build and run every test, then again under ASan+UBSan
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DEMO       ?= $(BUILD)/demo.isms
CMAKE_GEN  := -G Ninja
JOBS       ?= $(shell nproc)
LISTEN     ?= 127.0.0.1:8080

.PHONY: all deps run check test asan test-asan bench fuzz clean

all: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DISMS_SANITIZE=ON

run: all
	$(BUILD)/isms demo --force $(DEMO)
	$(BUILD)/isms --repo $(DEMO) verify
	$(BUILD)/isms --repo $(DEMO) summary
	$(BUILD)/isms --repo $(DEMO) serve --listen $(LISTEN) --measure-every 1d

test: all
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

test-asan: asan
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

check: test test-asan

bench: all
	./bench/run.sh

fuzz: deps
	CC=clang cmake -S . -B $(FUZZ_BUILD) $(CMAKE_GEN) -DISMS_FUZZ=ON -DISMS_SANITIZE=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
