"""Release notes: what changed between two release manifests (``release.json``)."""

from __future__ import annotations

from typing import Any


def _models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["name"]: m for m in manifest.get("models", [])}


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "n/a" if value is None else str(value)


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """One line per change (the bullets of the notes)."""
    if old is None:
        return ["first release: no previous release to compare with"]
    out: list[str] = []
    for key, what in (("firmware_version", "firmware"), ("board", "board")):
        if old.get(key) != new.get(key):
            out.append(f"{what}: {_fmt(old.get(key))} -> {_fmt(new.get(key))}")
    old_fw, new_fw = old.get("firmware", {}), new.get("firmware", {})
    for key in ("runtime_id", "manifest_digest", "arena_bytes", "sha256"):
        if old_fw.get(key) != new_fw.get(key):
            out.append(f"firmware {key}: {_fmt(old_fw.get(key))} -> {_fmt(new_fw.get(key))}")
    old_models, new_models = _models(old), _models(new)
    for name in sorted(set(old_models) - set(new_models)):
        out.append(f"model {name}: removed (was {old_models[name]['version']})")
    for name in sorted(set(new_models) - set(old_models)):
        out.append(f"model {name}: added at {new_models[name]['version']}")
    for name in sorted(set(old_models) & set(new_models)):
        a, b = old_models[name], new_models[name]
        for key in ("version", "pipeline_id", "runtime_id", "arena_bytes", "sha256"):
            if a.get(key) != b.get(key):
                out.append(f"model {name} {key}: {_fmt(a.get(key))} -> {_fmt(b.get(key))}")
    old_fig, new_fig = old.get("figures", {}), new.get("figures", {})
    for key in sorted(set(old_fig) | set(new_fig)):
        a, b = old_fig.get(key), new_fig.get(key)
        if a == b:
            continue
        if isinstance(a, int | float) and isinstance(b, int | float):
            out.append(f"{key}: {_fmt(a)} -> {_fmt(b)} ({b - a:+.4g})")
        else:
            out.append(f"{key}: {_fmt(a)} -> {_fmt(b)}")
    return out or ["no changes in versions or figures"]


def render(new: dict[str, Any], lines: list[str], notes: list[str]) -> str:
    """The Markdown of RELEASE_NOTES.md."""
    head = [
        f"# Release {new['name']}",
        "",
        f"Firmware {new['firmware_version']} for {new['board']}"
        + (f", compared with release {new['previous']}" if new.get("previous") else "")
        + ".",
        "",
        "## Changes",
        "",
        *[f"- {line}" for line in lines],
        "",
        "## Models",
        "",
        "| model | version | pipeline | runtime | arena (bytes) |",
        "|---|---|---|---|---|",
        *[
            f"| {m['name']} | {m['version']} | {m['pipeline_id']} | {m['runtime_id']} | "
            f"{m['arena_bytes']} |"
            for m in new.get("models", [])
        ],
        "",
        "## Figures",
        "",
        "| figure | value |",
        "|---|---|",
        *[f"| {k} | {_fmt(v)} |" for k, v in sorted(new.get("figures", {}).items())],
        "",
    ]
    if notes:
        head += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    return "\n".join(head)
