"""PATH -> one report per image (several for a sysbuild folder), the default image first."""

from __future__ import annotations

from pathlib import Path

from .locate import locate
from .report import Report, build_report
from .rules import load_rules


def load_reports(
    path: Path, rules_file: Path | None = None, map_file: Path | None = None
) -> list[Report]:
    build = locate(path, map_file)
    rules = load_rules(rules_file)
    images = sorted(build.images, key=lambda i: i.name != build.default)
    return [build_report(files, rules) for files in images]
