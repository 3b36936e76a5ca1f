"""Budgets of `west profile`: each given limit is checked; a breach is one line naming it."""

from __future__ import annotations

import argparse

from .report import Profile


def check_budgets(profile: Profile, args: argparse.Namespace) -> list[str]:
    out = []
    name = profile.model.name
    if args.max_instructions is not None and profile.inference > args.max_instructions:
        out.append(
            f"{name}: {profile.inference:,.0f} instructions per inference > budget "
            f"{args.max_instructions:,.0f}"
        )
    ms = profile.ms(profile.inference)
    if args.max_ms is not None and ms is not None and ms > args.max_ms:
        out.append(f"{name}: {ms:.2f} ms per inference > budget {args.max_ms:g} ms")
    duty = profile.duty
    if args.max_duty is not None and duty is not None and duty * 100 > args.max_duty:
        out.append(f"{name}: CPU duty {duty:.2%} > budget {args.max_duty:g}%")
    if args.max_arena is not None and profile.arena_bytes > args.max_arena:
        out.append(f"{name}: arena {profile.arena_bytes:,} B > budget {args.max_arena:,} B")
    return out
