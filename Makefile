# tinyml workspace: `make demo` and `make test` set up what is missing, then run.
# Every step prints a "==>" line; a missing tool is installed or named in an error, never skipped.

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

export PYTHONPATH := $(CURDIR)/scripts/west_commands

VENV      := .venv
PY        := $(VENV)/bin/python
BUILD     := build
STAMPS    := $(BUILD)/.stamps
JOBS      ?= 2
FUZZ_SECONDS ?= 15
QEMU_TIMEOUT ?= 120

M4F_TOOLCHAIN := modules/tinyml/cmake/toolchain-cortex-m4f.cmake
C_SOURCES = $(shell git ls-files -co --exclude-standard -- 'modules/tinyml/*.c' 'modules/tinyml/*.h' \
	'modules/tinyml/*.cpp' 'tests/*.c' 'tests/*.h' 'app/*.c' 'app/*.h' 2>/dev/null)

.PHONY: help setup demo test bench lint host host-tsan fuzz fuzz-long m4f target pytest toolchain clean zephyr-checks zephyr

help:
	@echo "make demo   set up what is missing, then run the main job on the bundled example"
	@echo "make test   set up what is missing, then run every test"
	@echo "make bench  run every benchmark into $(BUILD)/bench/results.json"
	@echo "make zephyr build and run the firmware against a Zephyr workspace (ZEPHYR_WORKSPACE)"

# ---------------------------------------------------------------- setup
$(STAMPS)/apt: scripts/apt-packages.txt scripts/setup/ensure-apt.sh
	@scripts/setup/ensure-apt.sh
	@mkdir -p $(STAMPS) && touch $@

$(VENV)/.installed: pyproject.toml | $(STAMPS)/apt
	@echo "==> python: creating $(VENV) with the pinned dependencies (first run takes a few minutes)"
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install -q -e '.[dev]' 2>&1 | { grep -v '^WARNING: Location' || true; }
	@touch $@

$(STAMPS)/west: west.yml scripts/west-commands.yml scripts/setup/west-workspace.sh | $(VENV)/.installed
	@scripts/setup/west-workspace.sh $(abspath $(VENV))/bin/west
	@touch $@

setup: $(STAMPS)/apt $(VENV)/.installed $(STAMPS)/west
	@echo "==> setup: ok"

toolchain: setup
	@scripts/setup/toolchain-versions.sh $(VENV)

# ---------------------------------------------------------------- C builds
$(BUILD)/host/build.ninja: | setup
	@cmake -S tests -B $(BUILD)/host -G Ninja -DTINYML_TARGET=host >/dev/null

$(BUILD)/host-tsan/build.ninja: | setup
	@cmake -S tests -B $(BUILD)/host-tsan -G Ninja -DTINYML_TARGET=host -DTINYML_SANITIZER=thread >/dev/null

$(BUILD)/m4f/build.ninja: | setup
	@cmake -S tests -B $(BUILD)/m4f -G Ninja -DTINYML_TARGET=m4f \
		-DCMAKE_TOOLCHAIN_FILE=$(abspath $(M4F_TOOLCHAIN)) >/dev/null

$(BUILD)/fuzz/build.ninja: | setup
	@cmake -S tests -B $(BUILD)/fuzz -G Ninja -DTINYML_TARGET=fuzz -DCMAKE_C_COMPILER=clang >/dev/null

host: $(BUILD)/host/build.ninja
	@echo "==> host: build (-Wall -Wextra -Werror, ASan + UBSan) and unit tests"
	@ninja -C $(BUILD)/host -j$(JOBS) | grep -vE '^\[[0-9]+/[0-9]+\] (Building|Linking)' || true
	@test -x $(BUILD)/host/tinyml_host_tests
	@cd $(BUILD)/host && ctest --output-on-failure -j$(JOBS)

host-tsan: $(BUILD)/host-tsan/build.ninja
	@echo "==> host: unit tests under ThreadSanitizer"
	@ninja -C $(BUILD)/host-tsan -j$(JOBS) tinyml_host_tests | grep -vE '^\[[0-9]+/[0-9]+\] (Building|Linking)' || true
	@test -x $(BUILD)/host-tsan/tinyml_host_tests
	@cd $(BUILD)/host-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j$(JOBS)

fuzz: $(BUILD)/fuzz/build.ninja
	@echo "==> fuzz: libFuzzer targets, $(FUZZ_SECONDS) s each"
	@ninja -C $(BUILD)/fuzz -j$(JOBS) | grep -vE '^\[[0-9]+/[0-9]+\] (Building|Linking)' || true
	@$(PY) tests/fuzz/run_fuzzers.py --build $(BUILD)/fuzz --seconds $(FUZZ_SECONDS) $(if $(FUZZ_FORCE),--force)

fuzz-long:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(or $(FUZZ_LONG_SECONDS),600) FUZZ_FORCE=1

m4f: $(BUILD)/m4f/build.ninja
	@echo "==> cortex-m4f: cross build (arm-none-eabi-gcc, -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard, -Werror)"
	@ninja -C $(BUILD)/m4f -j$(JOBS) | grep -vE '^\[[0-9]+/[0-9]+\] (Building|Linking)' || true
	@test -f $(BUILD)/m4f/tinyml_selftest.elf && test -f $(BUILD)/m4f/tinyml_selftest.map

target: m4f
	@echo "==> qemu mps2-an386: on-target self-test"
	@$(PY) -m tinyml_tools.qemu_run $(BUILD)/m4f/tinyml_selftest.elf --timeout $(QEMU_TIMEOUT)

# ---------------------------------------------------------------- checks
lint: setup
	@echo "==> lint: ruff, mypy, clang-format"
	@$(VENV)/bin/ruff check scripts tests models
	@$(VENV)/bin/ruff format --check --quiet scripts tests models
	@$(VENV)/bin/mypy --no-error-summary
	@$(VENV)/bin/clang-format --dry-run -Werror $(C_SOURCES)

pytest: setup host m4f  # the Zephyr workspace checks run in their own step, zephyr-checks
	@echo "==> python: pytest"
	@$(VENV)/bin/pytest -n $(JOBS) --ignore tests/python/test_zephyr_workspace.py

zephyr-checks: setup
	@echo "==> zephyr: west manifest, Kconfig, module.yml, Twister files, devicetree overlays"
	@$(VENV)/bin/pytest -p no:cacheprovider tests/python/test_zephyr_workspace.py

test: toolchain lint host host-tsan fuzz target pytest zephyr-checks
	@echo "==> test: all passed"

# ---------------------------------------------------------------- demo and bench
demo: toolchain target host
	@echo "==> memreport of the Cortex-M4F self-test image, budget: 128-256 KB SRAM tier"
	@$(PY) -m tinyml_tools memreport $(BUILD)/m4f/tinyml_selftest.elf --budget tier-128k-256k --top 10
	@echo "==> image $(BUILD)/m4f/tinyml_selftest.elf, map $(BUILD)/m4f/tinyml_selftest.map"
	@$(PY) -m tinyml_tools.replay.demo --example knock

bench: setup m4f host
	@echo "==> bench: every benchmark into $(BUILD)/bench/results.json"
	@$(PY) tests/bench/run_all.py --out $(BUILD)/bench/results.json

# Needs a Zephyr v4.1.0 workspace (docs/zephyr-workspace.md); fails naming it when there is none.
# ZEPHYR_STEPS="qemu update" runs only those steps.
zephyr: setup host
	@echo "==> zephyr: builds, QEMU and native_sim runs, Twister, sysbuild (ZEPHYR_WORKSPACE=$(ZEPHYR_WORKSPACE))"
	@$(PY) -m tinyml_tools.zephyr_run.check --jobs $(JOBS) $(if $(ZEPHYR_STEPS),--only $(ZEPHYR_STEPS))

clean:
	rm -rf $(BUILD)
