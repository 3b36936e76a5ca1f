"""Budgets: a YAML file of limits per region, total, category and symbol pattern.

    regions:    {RAM: 120K, FLASH: 90%, "*": 95%}   # bytes, or percent of the region's size
    totals:     {flash: 512K, ram: 120K}
    categories: {tensor arena: 64K, thread stacks: 16K}
    symbols:    [{pattern: 'tensor_arena', max: 96K}, {pattern: '^k_', max_total: 8K}]
    heap:       forbid        # an allocator that has memory to hand out is a breach (or: allow)
    images:     {mcuboot: {totals: {flash: 48K}}}   # sysbuild: limits for other images

Ready files for the seed's memory tiers ship beside this module (``--budget tier-128k-256k``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, not_utf8
from .attribute import PieceKind
from .report import Report
from .sizes import parse_size

_KEYS = {"description", "regions", "totals", "categories", "symbols", "heap", "images"}


@dataclass(frozen=True)
class Breach:
    what: str
    used: int
    limit: int
    note: str = ""

    def line(self) -> str:
        if self.note:
            return f"budget exceeded: {self.what}: {self.note}"
        return (
            f"budget exceeded: {self.what} uses {self.used} B, budget {self.limit} B "
            f"(over by {self.used - self.limit} B)"
        )


@dataclass(frozen=True)
class Limit:
    what: str
    used: int
    limit: int

    @property
    def ok(self) -> bool:
        return self.used <= self.limit


def builtin_budgets() -> list[str]:
    folder = resources.files(__package__).joinpath("budgets")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def read_budget(spec: str) -> tuple[Path, dict[str, Any]]:
    """A path, or the name of a built-in tier budget."""
    path = Path(spec)
    if not path.exists() and spec in builtin_budgets():
        text = resources.files(__package__).joinpath("budgets", f"{spec}.yaml").read_text()
        path = Path(f"{spec} (built in)")
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            raise not_utf8(path, err) from None
        except OSError as err:
            names = ", ".join(builtin_budgets())
            raise InputError(
                path, f"cannot read budget ({err.strerror or err}; built in: {names})"
            ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InputError(path, f"not valid YAML ({str(err).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise InputError(path, "a budget is a mapping (regions, totals, categories, symbols, heap)")
    _validate(path, data, top=True)
    return path, data


def _validate(path: Path, data: dict[str, Any], top: bool) -> None:
    unknown = set(data) - _KEYS
    if unknown:
        raise InputError(
            path, f"unknown key {sorted(unknown)[0]!r} (use {', '.join(sorted(_KEYS))})"
        )
    for key in ("regions", "totals", "categories"):
        section = data.get(key, {})
        if not isinstance(section, dict):
            raise InputError(path, f"'{key}' must be a mapping of name: size")
        for name, value in section.items():
            if key == "totals" and name not in ("flash", "ram"):
                raise InputError(path, f"totals: unknown total {name!r} (flash or ram)")
            _size_or_percent(path, f"{key}.{name}", value, allow_percent=key == "regions")
    symbols = data.get("symbols", [])
    if not isinstance(symbols, list):
        raise InputError(path, "'symbols' must be a list of {pattern, max | max_total}")
    for number, entry in enumerate(symbols, start=1):
        if not isinstance(entry, dict) or "pattern" not in entry:
            raise InputError(path, f"symbols[{number}]: needs a 'pattern'")
        if not ("max" in entry or "max_total" in entry):
            raise InputError(path, f"symbols[{number}]: needs 'max' or 'max_total'")
        try:
            re.compile(str(entry["pattern"]))
        except re.error as err:
            raise InputError(path, f"symbols[{number}]: bad pattern ({err})") from None
        for key in ("max", "max_total"):
            if key in entry:
                _size_or_percent(path, f"symbols[{number}].{key}", entry[key], False)
    if data.get("heap", "allow") not in ("allow", "forbid"):
        raise InputError(path, "heap must be 'allow' or 'forbid'")
    images = data.get("images", {})
    if not isinstance(images, dict) or (images and not top):
        raise InputError(path, "'images' must be a mapping of image name: budget (top level only)")
    for name, sub in images.items():
        if not isinstance(sub, dict):
            raise InputError(path, f"images.{name} must be a budget mapping")
        _validate(path, sub, top=False)


def _size_or_percent(path: Path, where: str, value: object, allow_percent: bool) -> float | int:
    if allow_percent and isinstance(value, str) and value.strip().endswith("%"):
        try:
            pct = float(value.strip()[:-1])
        except ValueError:
            raise InputError(path, f"{where}: {value!r} is not a percentage") from None
        return pct / 100.0
    try:
        return parse_size(value)
    except ValueError as err:
        raise InputError(path, f"{where}: {err}") from None


def check_budget(
    path: Path, data: dict[str, Any], reports: list[Report]
) -> tuple[list[Limit], list[Breach]]:
    """Every limit with its use; the breaches among them (plus a forbidden heap)."""
    limits: list[Limit] = []
    breaches: list[Breach] = []
    images = data.get("images", {})
    for index, report in enumerate(reports):
        budget = data if index == 0 else images.get(report.name)
        if budget is None:
            continue
        prefix = "" if len(reports) == 1 else f"{report.name}: "
        image_limits, image_breaches = _check_one(path, budget, report, prefix)
        limits += image_limits
        breaches += image_breaches
    return limits, breaches


def _check_one(
    path: Path, budget: dict[str, Any], report: Report, prefix: str
) -> tuple[list[Limit], list[Breach]]:
    limits: list[Limit] = []
    breaches: list[Breach] = []
    regions = {r.spec.name.lower(): r for r in report.regions}
    for name, value in budget.get("regions", {}).items():
        targets = list(regions.values()) if name == "*" else [regions.get(str(name).lower())]
        if targets == [None]:
            known = ", ".join(r.spec.name for r in report.regions)
            raise InputError(path, f"{prefix}region {name!r}: no such region (have {known})")
        for region in targets:
            assert region is not None
            cap = _size_or_percent(path, f"regions.{name}", value, True)
            if isinstance(cap, float):
                if region.spec.size is None:
                    if name != "*":
                        breaches.append(
                            Breach(
                                f"{prefix}region {region.spec.name}",
                                0,
                                0,
                                "size unknown, a percentage cannot be checked",
                            )
                        )
                    continue
                cap = int(region.spec.size * cap)
            limits.append(Limit(f"{prefix}region {region.spec.name}", region.extent, int(cap)))
    totals = {"flash": report.totals.flash, "ram": report.totals.ram}
    for name, value in budget.get("totals", {}).items():
        limits.append(Limit(f"{prefix}total {name}", totals[name], parse_size(value)))
    for name, value in budget.get("categories", {}).items():
        if name not in report.categories:
            known = ", ".join(report.categories)
            raise InputError(path, f"{prefix}category {name!r}: no such category (have {known})")
        flash, ram = report.categories[name]
        limits.append(Limit(f"{prefix}category {name!r}", flash + ram, parse_size(value)))
    for entry in budget.get("symbols", []):
        pattern = re.compile(str(entry["pattern"]))
        matched = [
            p for p in report.pieces if p.kind is PieceKind.SYMBOL and pattern.search(p.name)
        ]
        if "max" in entry:
            cap = parse_size(entry["max"])
            for piece in matched:
                limits.append(Limit(f"{prefix}symbol {piece.name}", piece.size, cap))
        if "max_total" in entry:
            total = sum(p.size for p in matched)
            limits.append(
                Limit(
                    f"{prefix}symbols /{entry['pattern']}/", total, parse_size(entry["max_total"])
                )
            )
    for limit in limits:
        if not limit.ok:
            breaches.append(Breach(limit.what, limit.used, limit.limit))
    if budget.get("heap") == "forbid" and not report.heap_known:
        breaches.append(
            Breach(
                f"{prefix}heap",
                0,
                0,
                "'heap: forbid' cannot be checked: no symbol table (stripped ELF)",
            )
        )
    elif (
        budget.get("heap") == "forbid" and report.allocators and not report.heap_memory.proven_empty
    ):
        names = ", ".join(a.name for a in report.allocators)
        breaches.append(
            Breach(
                f"{prefix}heap",
                0,
                0,
                f"allocator linked in ({names}) with {report.heap_memory.finding}, "
                "forbidden by the budget",
            )
        )
    return limits, breaches
