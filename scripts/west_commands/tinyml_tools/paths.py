"""Where the repository and its build outputs are."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
BUILD_DIR = Path(os.environ.get("TINYML_BUILD_DIR", REPO_ROOT / "build"))
MODULE_DIR = REPO_ROOT / "modules" / "tinyml"
BENCH_RESULTS = BUILD_DIR / "bench" / "results.json"
