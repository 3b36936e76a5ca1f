"""Write a large image of the same shape as ml_image.c: many source files, each with kernels,
lookup tables, buffers and statics, for timing memreport on full (-g3) DWARF."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

_FILE = """\
#include <stdint.h>
#include <string.h>
#define SCALE_{n} 3
struct layer_{n} {{ int32_t bias[8]; int8_t weights[64]; const char *name; }};
static int16_t window_buf_{n}[{buf}];
uint8_t tensor_slice_{n}[{buf}];
const int8_t model_weights_{n}[{table}] = {{ [0] = 1, [{last}] = {n} % 127 }};
struct layer_{n} layer_{n} = {{ {{1, 2, 3}}, {{4, 5}}, "layer {n}" }};
{functions}
int module_{n}_run(const int8_t *in, int8_t *out, int len)
{{
	int acc = 0;
{calls}
	memcpy(tensor_slice_{n}, in, (size_t)(len & 63));
	return acc + window_buf_{n}[len % {buf}] + layer_{n}.bias[1];
}}
"""

_FUNCTION = """\
int arm_kernel_{n}_{i}_s8(const int8_t *in, int8_t *out, int len)
{{
	int32_t acc = {i};
	for (int k = 0; k < len; k++) {{
		acc += in[k] * model_weights_{n}[(k + {i}) % {table}] * SCALE_{n};
		out[k] = (int8_t)(acc >> {shift});
		if (acc > {limit}) {{
			acc -= window_buf_{n}[k % {buf}];
		}}
	}}
	return (int)acc;
}}
"""


def write_sources(out: Path, files: int, functions: int) -> list[Path]:
    """Write ``files`` C files of ``functions`` kernels each, plus main.c; return them all."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(files):
        table, buf = 256 + 16 * (n % 8), 64 + 8 * (n % 5)
        body = "".join(
            _FUNCTION.format(n=n, i=i, table=table, buf=buf, shift=1 + i % 7, limit=1000 + i)
            for i in range(functions)
        )
        calls = "".join(
            f"\tacc += arm_kernel_{n}_{i}_s8(in, out, len);\n" for i in range(functions)
        )
        path = out / f"module_{n}.c"
        path.write_text(
            _FILE.format(n=n, buf=buf, table=table, last=table - 1, functions=body, calls=calls)
        )
        paths.append(path)
    decls = "".join(f"int module_{n}_run(const int8_t *, int8_t *, int);\n" for n in range(files))
    runs = "".join(f"\tacc += module_{n}_run(in, out, len);\n" for n in range(files))
    main = out / "big_main.c"
    main.write_text(
        "#include <stdint.h>\n" + decls + "int big_run(const int8_t *in, int8_t *out, int len);\n"
        "int big_run(const int8_t *in, int8_t *out, int len)\n{\n\tint acc = 0;\n"
        + runs
        + "\treturn acc;\n}\n"
    )
    paths.append(main)
    return paths


def big_linker_script(out: Path) -> Path:
    """edge.ld with regions large enough for the big image."""
    text = (HERE / "edge.ld").read_text()
    text = text.replace("LENGTH = 256K", "LENGTH = 8M").replace("LENGTH = 64K", "LENGTH = 2M")
    path = out / "big.ld"
    path.write_text(text)
    return path
