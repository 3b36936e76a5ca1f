"""``memreport``: where every byte of flash and RAM went, what ML costs, and does it fit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import CheckFailed, UsageError
from ..output import console, print_json
from . import Command

DESCRIPTION = """\
Read a built ELF (a bare ELF, a Zephyr build folder, or a sysbuild folder) and report flash and
RAM per region, section, symbol, file, module and ML category; check it against a budget.

  memreport PATH [--budget FILE|TIER] [--json|--markdown] [--html FILE] [--png FILE]
  memreport diff OLD NEW [--json|--markdown]

Totals count like arm-none-eabi-size: flash = text + data, RAM = data + bss (bss includes
noinit, stacks and heaps). Built-in budgets: tier-128k-256k, tier-512k-1m.
Exit codes: 0 ok, 1 bad input, 2 a budget is exceeded, 64 usage (docs/exit-codes.md).
"""

USAGE = (
    "%(prog)s PATH [--budget FILE] [--json | --markdown] [--html FILE] [--png FILE]\n"
    "       %(prog)s diff OLD NEW [--json | --markdown]"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.usage = USAGE
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="ELF file or build folder; or: diff OLD NEW"
    )
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON for machines")
    fmt.add_argument("--markdown", action="store_true", help="print Markdown (CI comments)")
    parser.add_argument("--budget", metavar="FILE", help="budget YAML or built-in tier name")
    parser.add_argument("--rules", type=Path, metavar="FILE", help="extra category rules (YAML)")
    parser.add_argument("--map", type=Path, metavar="FILE", help="GNU ld map file of the ELF")
    parser.add_argument(
        "--html", type=Path, metavar="FILE", help="write a self-contained HTML view"
    )
    parser.add_argument("--png", type=Path, metavar="FILE", help="write a PNG chart")
    parser.add_argument("--top", type=int, default=20, metavar="N", help="top-N rows (default 20)")
    parser.add_argument("--tree", action="store_true", help="also print region/section/file tree")


def run(args: argparse.Namespace) -> int:
    paths: list[str] = args.paths
    if paths[0] == "diff":
        if len(paths) != 3:
            raise UsageError("usage: memreport diff OLD NEW (two ELFs or build folders)")
        if args.budget or args.html or args.png:
            raise UsageError("diff takes no --budget, --html or --png")
        return _run_diff(args, Path(paths[1]), Path(paths[2]))
    if len(paths) != 1:
        raise UsageError("usage: memreport PATH (one ELF or build folder; or: diff OLD NEW)")
    if args.top < 1:
        raise UsageError("--top must be at least 1")
    return _run_report(args, Path(paths[0]))


def _run_report(args: argparse.Namespace, path: Path) -> int:
    from ..memreport.budget import check_budget, read_budget
    from ..memreport.load import load_reports
    from ..memreport.render_markdown import budget_markdown, report_markdown
    from ..memreport.render_text import print_budget, print_report
    from ..memreport.render_visual import report_html, report_png
    from ..memreport.report import to_dict
    from ..writefile import check_writable, refuse_inputs, write_atomically

    for out in (args.html, args.png):
        if out is not None:
            check_writable(out)
    budget = read_budget(args.budget) if args.budget else None
    reports = load_reports(path, args.rules, args.map)
    inputs: list[Path | None] = [r.elf for r in reports]
    inputs += [r.elf.with_suffix(".map") for r in reports]
    inputs += [args.rules, args.map, Path(args.budget) if args.budget else None]
    for out in (args.html, args.png):
        if out is not None:
            refuse_inputs(out, [p for p in inputs if p])
    limits, breaches = check_budget(budget[0], budget[1], reports) if budget else ([], [])
    view = (budget[0].name, limits, breaches) if budget else None
    if args.html:
        write_atomically(args.html, report_html(reports[0], args.top, view).encode())
    if args.png:
        write_atomically(args.png, report_png(reports[0]))
    if args.json:
        data = to_dict(reports[0], args.top)
        if len(reports) > 1:
            data["images"] = {r.name: to_dict(r, args.top) for r in reports}
        if budget:
            data["budget"] = {
                "file": str(budget[0]),
                "ok": not breaches,
                "limits": [{"what": x.what, "used": x.used, "limit": x.limit} for x in limits],
                "breaches": [b.line() for b in breaches],
            }
        print_json(data)
    elif args.markdown:
        text = "\n".join(report_markdown(r, args.top) for r in reports)
        if budget:
            text += "\n" + budget_markdown(budget[0].name, limits, breaches)
        print(text)
    else:
        for report in reports:
            print_report(console, report, args.top, args.tree)
        if budget:
            print_budget(console, str(budget[0].name), limits, breaches)
    if breaches:
        assert budget is not None
        for breach in breaches:
            print(breach.line(), file=sys.stderr)
        failed = CheckFailed(f"{budget[0]}: {len(breaches)} budget breach(es)")
        failed.json_printed = args.json  # type: ignore[attr-defined]
        raise failed
    return 0


def _run_diff(args: argparse.Namespace, old: Path, new: Path) -> int:
    from ..memreport.diff import diff_reports
    from ..memreport.load import load_reports
    from ..memreport.render_markdown import diff_markdown
    from ..memreport.render_text import print_diff

    old_reports = load_reports(old, args.rules, None)
    new_reports = load_reports(new, args.rules, None)
    data = diff_reports(old_reports[0], new_reports[0], args.top)
    others = {r.name: r for r in new_reports[1:]}
    images = {
        r.name: diff_reports(r, others[r.name], args.top)
        for r in old_reports[1:]
        if r.name in others
    }
    if images:
        data["images"] = images
    if args.json:
        print_json(data)
    elif args.markdown:
        print(diff_markdown(data))
    else:
        print_diff(console, data)
    return 0


COMMAND = Command(
    name="memreport",
    help="memory report of a built ELF against a budget",
    description=DESCRIPTION,
    add_arguments=add_arguments,
    run=run,
)
