"""Generate the firmware's manifest table (C) and TFLM op resolver (C++) from the manifest.

Run by the build (CMake add_custom_command):
``python -m tinyml_tools.modelpack.codegen --manifest ops_manifest.yaml --out-dir DIR``
writes DIR/tinyml_ops_manifest.c and DIR/tinyml_op_resolver.hpp, only when their text changes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import jinja2

from ..errors import TinymlError
from .manifest import Manifest, load_manifest

C_FILE = "tinyml_ops_manifest.c"
RESOLVER_FILE = "tinyml_op_resolver.hpp"

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("tinyml_tools.modelpack", "templates"),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,
)


def render(manifest: Manifest) -> dict[str, str]:
    context = {
        "source": manifest.path.name,
        "ops": manifest.ops,
        "digest": list(manifest.digest),
        "runtime_id": manifest.runtime_id,
        "tflm_version": manifest.tflm_version,
    }
    return {
        C_FILE: _ENV.get_template("ops_manifest.c.j2").render(context),
        RESOLVER_FILE: _ENV.get_template("op_resolver.hpp.j2").render(context),
    }


def write_if_changed(path: Path, text: str) -> None:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifest", required=True, type=Path)
    parser.add_argument("--out-dir", required=True, type=Path)
    args = parser.parse_args(argv)
    try:
        manifest = load_manifest(args.manifest)
        args.out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in render(manifest).items():
            write_if_changed(args.out_dir / name, text)
    except TinymlError as err:
        print(f"codegen: error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"codegen: error: {args.out_dir}: {err.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
