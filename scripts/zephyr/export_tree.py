#!/usr/bin/env python3
"""Write one commit of a bare git directory into a folder, skipping absent blobs.

The stored snapshots of large workspaces lack their biggest blobs, so `git archive` refuses
them. This writes every blob that is present (with its mode and symlinks) and lists the
absent ones in MISSING_LIST, one per line.

usage: export_tree.py GITDIR COMMIT DEST MISSING_LIST
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def tree_entries(gitdir: str, commit: str) -> list[tuple[str, str, str, str]]:
    listing = subprocess.run(
        ["git", "--git-dir", gitdir, "ls-tree", "-r", "-z", "--full-tree", commit],
        check=True,
        capture_output=True,
    ).stdout
    entries = []
    for raw in listing.split(b"\0"):
        if not raw:
            continue
        meta, path = raw.split(b"\t", 1)
        mode, kind, sha = meta.decode().split()
        entries.append((mode, kind, sha, path.decode("utf-8", "surrogateescape")))
    return entries


def write_blob(dest: Path, path: str, mode: str, data: bytes) -> None:
    out = dest / path
    out.parent.mkdir(parents=True, exist_ok=True)
    if mode == "120000":
        if out.is_symlink() or out.exists():
            out.unlink()
        os.symlink(data.decode("utf-8", "surrogateescape"), out)
        return
    out.write_bytes(data)
    if mode == "100755":
        out.chmod(0o755)


def main(argv: list[str]) -> int:
    if len(argv) != 5:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 1
    gitdir, commit, dest_arg, missing_list = argv[1:5]
    dest = Path(dest_arg)
    entries = tree_entries(gitdir, commit)
    missing: list[str] = []
    written = 0
    with subprocess.Popen(
        ["git", "--git-dir", gitdir, "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    ) as cat:
        assert cat.stdin is not None and cat.stdout is not None
        for mode, kind, sha, path in entries:
            if kind != "blob":  # submodule links: nothing to write
                missing.append(f"{kind} {path}")
                continue
            cat.stdin.write(sha.encode() + b"\n")
            cat.stdin.flush()
            header = cat.stdout.readline().split()
            if header[1] == b"missing":
                missing.append(f"missing {path}")
                continue
            data = cat.stdout.read(int(header[2]))
            cat.stdout.read(1)
            write_blob(dest, path, mode, data)
            written += 1
        cat.stdin.close()
    Path(missing_list).write_text("".join(line + "\n" for line in missing))
    print(f"{dest}: {written} files written, {len(missing)} absent (listed in {missing_list})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
