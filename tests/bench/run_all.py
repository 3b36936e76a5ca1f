"""Run every benchmark (tests/bench/bench_*.py) and write one flat JSON of figures.

Each benchmark module defines ``run() -> dict[str, float]`` returning figures named with dots
and their unit in the name (``target.selftest.instructions``). Later figures never silently
overwrite earlier ones: a name reported twice is an error.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def load(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("only", nargs="*", help="run only these bench_<name>.py")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    results: dict[str, float] = {}
    for path in sorted(HERE.glob("bench_*.py")):
        if args.only and path.stem.removeprefix("bench_") not in args.only:
            continue
        start = time.monotonic()
        print(f"==> bench {path.stem}", flush=True)
        figures = load(path).run()
        for name, value in figures.items():
            if name in results:
                print(f"bench: {path.name} reports {name} twice", file=sys.stderr)
                return 1
            results[name] = value
            print(f"  {name:<50} {value:>14,.6g}")
        print(f"  ({time.monotonic() - start:.1f} s)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(dict(sorted(results.items())), indent=2) + "\n")
    print(f"==> bench: {len(results)} figures in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
