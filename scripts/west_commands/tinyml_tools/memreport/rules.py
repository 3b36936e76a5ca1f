"""Category rules: one YAML file of ordered regex rules (see categories.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from ..errors import InputError, not_utf8
from .attribute import Piece, PieceKind
from .elfimage import SectionKind

OTHER = "other"
PADDING = "padding"
_FIELDS = ("symbol", "section", "file", "module")
_CHOICES = {"memory": ("ram", "flash"), "kind": ("code", "data")}


@dataclass(frozen=True)
class Rule:
    category: str
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    memory: str | None
    kind: str | None

    def matches(self, piece: Piece) -> bool:
        if self.memory is not None:
            in_ram = piece.section.kind is not SectionKind.TEXT
            if in_ram != (self.memory == "ram"):
                return False
        if self.kind is not None:
            is_code = piece.is_func or (
                piece.section.executable and piece.kind is not PieceKind.SYMBOL
            )
            if is_code != (self.kind == "code"):
                return False
        for field, pattern in self.patterns:
            value = _field(piece, field)
            if value is None or not pattern.search(value):
                return False
        return True


def _field(piece: Piece, field: str) -> str | None:
    if field == "symbol":
        return piece.name if piece.kind is PieceKind.SYMBOL else None
    if field == "section":
        return piece.section.name
    if field == "file":
        return piece.file
    return piece.module


def default_rules_text() -> str:
    return resources.files(__package__).joinpath("categories.yaml").read_text()


def load_rules(user_file: Path | None = None) -> list[Rule]:
    rules = _parse(default_rules_text(), Path("categories.yaml (built in)"))
    if user_file is None:
        return rules
    try:
        text = user_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise not_utf8(user_file, err) from None
    except OSError as err:
        raise InputError(user_file, f"cannot read rules: {err.strerror or err}") from None
    user = _parse(text, user_file)
    data = yaml.safe_load(text) or {}
    return user if data.get("replace") is True else user + rules


def _parse(text: str, path: Path) -> list[Rule]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InputError(path, f"not valid YAML ({str(err).splitlines()[0]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise InputError(path, "expected a mapping with a list 'categories'")
    rules: list[Rule] = []
    for number, entry in enumerate(data["categories"], start=1):
        where = f"rule {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("category"), str):
            raise InputError(path, f"{where}: needs a 'category' name")
        unknown = set(entry) - {"category", *_FIELDS, *_CHOICES}
        if unknown:
            raise InputError(path, f"{where}: unknown key {sorted(unknown)[0]!r}")
        patterns = []
        for field in _FIELDS:
            if field in entry:
                try:
                    patterns.append((field, re.compile(str(entry[field]))))
                except re.error as err:
                    raise InputError(path, f"{where}: bad {field} regex ({err})") from None
        for key, allowed in _CHOICES.items():
            if key in entry and entry[key] not in allowed:
                raise InputError(path, f"{where}: {key} must be one of {', '.join(allowed)}")
        if not patterns and "memory" not in entry and "kind" not in entry:
            raise InputError(path, f"{where}: needs at least one condition")
        rules.append(
            Rule(entry["category"], tuple(patterns), entry.get("memory"), entry.get("kind"))
        )
    return rules


def categorize(pieces: list[Piece], rules: list[Rule]) -> None:
    for piece in pieces:
        for rule in rules:
            if rule.matches(piece):
                piece.category = rule.category
                break
        else:
            if piece.kind is PieceKind.SECTION:
                piece.category = section_category(piece.section.name)
                continue
            named = piece.kind in (PieceKind.SYMBOL, PieceKind.UNNAMED)
            piece.category = OTHER if named else PADDING


def section_category(section: str) -> str:
    """The category of a stripped ELF's section no rule claims: by section, not "padding"."""
    return f"{section} (no symbols)"


def category_names(rules: list[Rule]) -> list[str]:
    names: list[str] = []
    for rule in rules:
        if rule.category not in names:
            names.append(rule.category)
    return [*names, OTHER, PADDING]
