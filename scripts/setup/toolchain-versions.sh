#!/usr/bin/env bash
# Print the exact toolchain this run uses: the toolchain is frozen alongside the model.
set -uo pipefail
venv="${1:-.venv}"
first_line() { "$@" 2>&1 | head -n 1; }
echo "==> toolchain"
printf '  %-22s %s\n' "arm-none-eabi-gcc" "$(first_line arm-none-eabi-gcc --version)"
printf '  %-22s %s\n' "gcc (host)" "$(first_line gcc --version)"
printf '  %-22s %s\n' "clang" "$(first_line clang --version)"
printf '  %-22s %s\n' "qemu-system-arm" "$(first_line qemu-system-arm --version)"
printf '  %-22s %s\n' "cmake" "$(first_line cmake --version)"
printf '  %-22s %s\n' "ninja" "$(first_line ninja --version)"
printf '  %-22s %s\n' "dtc" "$(first_line dtc --version)"
printf '  %-22s %s\n' "python" "$(first_line "$venv/bin/python" --version)"
"$venv/bin/python" - <<'PY'
from importlib.metadata import version
for name in ("tensorflow-cpu", "tflite-micro", "numpy", "west", "imgtool", "pyelftools"):
    print(f"  {name:<22} {version(name)}")
PY
