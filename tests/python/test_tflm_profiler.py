"""modules/tinyml/zephyr/tflm_profiler.cpp on the host, against a test double of TFLM's
MicroProfilerInterface (the real header is TFLM's; only its three virtual functions are used),
and its CSV read back by `west profile --measured`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tinyml_tools.profile.measured import parse_measured

INTERFACE = """\
#pragma once
#include <cstdint>
namespace tflite {
class MicroProfilerInterface {
public:
  virtual ~MicroProfilerInterface() {}
  virtual uint32_t BeginEvent(const char *tag) = 0;
  virtual void EndEvent(uint32_t event_handle) = 0;
};
}
"""

DRIVER = r"""
#include <cerrno>
#include <cstdio>
#include <cstring>
#include "tflm_profiler.h"

static uint64_t fake_now;
static uint64_t clock_fn(void) { return fake_now; }
extern "C" uint64_t tinyml_platform_cost_now(void) { return 0; }
extern "C" const char *tinyml_platform_cost_unit(void) { return "cycles"; }
static void print(void *ctx, const char *line) { (void)ctx; std::printf("%s\n", line); }

/* One Invoke(): node i costs (i + 1) * 100 * scale. */
static void invoke(tinyml::TflmProfiler &p, int nodes, uint64_t scale) {
  static const char *names[] = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX"};
  for (int i = 0; i < nodes; i++) {
    uint32_t h = p.BeginEvent(names[i % 4]);
    fake_now += (uint64_t)(i + 1) * 100u * scale;
    p.EndEvent(h);
    fake_now += 7; /* interpreter work between nodes is not charged to a node */
  }
}

int main() {
  static tinyml::TflmProfiler p(clock_fn);
  if (p.WriteCsv(print, nullptr) != -ENODATA) return 10;
  if (p.WriteCsv(nullptr, nullptr) != -EINVAL) return 11;
  p.Reset();
  p.NextRun(); invoke(p, 4, 1);
  p.NextRun(); invoke(p, 4, 3);           /* mean of 1x and 3x: 2x */
  if (p.event_count() != 4 || p.runs() != 2 || p.cost(1) != 400) return 12;
  p.SetEnabled(false); invoke(p, 4, 50); p.SetEnabled(true);  /* ignored */
  if (p.cost(3) != 800) return 13;
  if (p.WriteCsv(print, nullptr) != 0) return 14;
  std::printf("--\n");
  p.Reset();
  p.NextRun(); invoke(p, (int)tinyml::TflmProfiler::kMaxEvents + 3, 1);
  if (!p.overflowed() || p.event_count() != tinyml::TflmProfiler::kMaxEvents) return 15;
  (void)p.WriteCsv(print, nullptr, "instructions");
  return 0;
}
"""


@pytest.fixture(scope="module")
def profiler_run(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    gxx = shutil.which("g++")
    if gxx is None:
        pytest.fail("g++ is needed (build-essential)")
    tmp = tmp_path_factory.mktemp("profiler")
    (tmp / "tensorflow/lite/micro").mkdir(parents=True)
    (tmp / "tensorflow/lite/micro/micro_profiler_interface.h").write_text(INTERFACE)
    (tmp / "driver.cpp").write_text(DRIVER)
    src = repo / "modules/tinyml/zephyr"
    exe = tmp / "driver"
    subprocess.run(
        [
            gxx,
            "-std=c++17",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-fsanitize=address,undefined",
            "-DTINYML_TFLM_PROFILER_MAX_EVENTS=8",
            f"-I{tmp}",
            f"-I{src}",
            f"-I{repo}/modules/tinyml/include",
            str(tmp / "driver.cpp"),
            str(src / "tflm_profiler.cpp"),
            "-o",
            str(exe),
        ],
        check=True,
    )
    proc = subprocess.run([str(exe)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_profiler_averages_runs_and_prints_csv(profiler_run: str) -> None:
    first = profiler_run.split("--\n")[0]
    assert first.splitlines() == [
        "node,op,cycles",
        "0,CONV_2D,200",
        "1,DEPTHWISE_CONV_2D,400",
        "2,FULLY_CONNECTED,600",
        "3,SOFTMAX,800",
        "total,,2000",
    ]


def test_profiler_csv_reads_back_into_the_table(profiler_run: str, tmp_path: Path) -> None:
    m = parse_measured(tmp_path / "p.csv", profiler_run.split("--\n")[0])
    assert m.unit == "cycles" and m.total == 2000
    assert [m.nodes[i] for i in range(4)] == [
        ("CONV_2D", 200.0),
        ("DEPTHWISE_CONV_2D", 400.0),
        ("FULLY_CONNECTED", 600.0),
        ("SOFTMAX", 800.0),
    ]


def test_profiler_table_overflow_is_reported(profiler_run: str, tmp_path: Path) -> None:
    second = profiler_run.split("--\n")[1]
    assert second.splitlines()[0] == "node,op,instructions"
    assert second.splitlines()[-1] == "overflow,,8"
    with pytest.raises(Exception, match="overflowed"):
        parse_measured(tmp_path / "p.csv", second)


def test_profiler_builds_for_the_cortex_m4f(repo: Path, tmp_path: Path) -> None:
    gxx = shutil.which("arm-none-eabi-g++")
    if gxx is None:
        pytest.fail("arm-none-eabi-g++ is needed (make setup installs it)")
    (tmp_path / "tensorflow/lite/micro").mkdir(parents=True)
    (tmp_path / "tensorflow/lite/micro/micro_profiler_interface.h").write_text(INTERFACE)
    subprocess.run(
        [
            gxx,
            "-mcpu=cortex-m4",
            "-mthumb",
            "-mfloat-abi=hard",
            "-mfpu=fpv4-sp-d16",
            "-Os",
            "-std=c++17",
            "-fno-rtti",
            "-fno-exceptions",
            "-Wall",
            "-Wextra",
            "-Werror",
            f"-I{tmp_path}",
            f"-I{repo}/modules/tinyml/include",
            "-c",
            str(repo / "modules/tinyml/zephyr/tflm_profiler.cpp"),
            "-o",
            str(tmp_path / "p.o"),
        ],
        check=True,
    )
