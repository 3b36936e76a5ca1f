"""What PATH names: a bare ELF, a Zephyr build folder, or a sysbuild folder of several images."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import InputError


@dataclass(frozen=True)
class ImageFiles:
    name: str
    elf: Path
    map: Path | None
    linker_script: Path | None
    devicetree: Path | None


@dataclass(frozen=True)
class BuildFiles:
    images: list[ImageFiles]
    default: str


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def _zephyr_image(name: str, build_dir: Path) -> ImageFiles:
    zephyr = build_dir / "zephyr"
    return ImageFiles(
        name=name,
        elf=zephyr / "zephyr.elf",
        map=_existing(zephyr / "zephyr.map"),
        linker_script=_existing(zephyr / "linker.cmd"),
        devicetree=_existing(zephyr / "zephyr.dts"),
    )


def locate(path: Path, map_override: Path | None = None) -> BuildFiles:
    if path.is_file():
        sibling_map = _existing(path.with_suffix(".map"))
        in_zephyr = path.parent.name == "zephyr"
        image = ImageFiles(
            name=path.stem,
            elf=path,
            map=map_override or sibling_map,
            linker_script=_existing(path.parent / "linker.cmd") if in_zephyr else None,
            devicetree=_existing(path.parent / "zephyr.dts") if in_zephyr else None,
        )
        return BuildFiles([image], image.name)
    if not path.exists():
        raise InputError(path, "no such file or folder")
    if not path.is_dir():
        raise InputError(path, "neither an ELF file nor a build folder")
    domains = path / "domains.yaml"
    if domains.is_file():
        return _sysbuild(path, domains)
    if (path / "zephyr" / "zephyr.elf").is_file():
        image = _zephyr_image(path.name, path)
        if map_override is not None:
            image = ImageFiles(
                image.name, image.elf, map_override, image.linker_script, image.devicetree
            )
        return BuildFiles([image], image.name)
    raise InputError(path, "not a build folder (no zephyr/zephyr.elf and no domains.yaml)")


def _sysbuild(root: Path, domains_file: Path) -> BuildFiles:
    try:
        data = yaml.safe_load(domains_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise InputError(domains_file, f"cannot read sysbuild domains ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("domains"), list):
        raise InputError(domains_file, "expected a 'domains' list (a sysbuild domains.yaml)")
    images = []
    for entry in data["domains"]:
        if not isinstance(entry, dict) or "name" not in entry:
            raise InputError(domains_file, "every domain needs a 'name'")
        name = str(entry["name"])
        build_dir = Path(str(entry.get("build_dir", root / name)))
        if not (build_dir / "zephyr" / "zephyr.elf").is_file():
            build_dir = root / name  # the folder was moved since it was built
        image = _zephyr_image(name, build_dir)
        if not image.elf.is_file():
            raise InputError(domains_file, f"domain {name}: no {image.elf}")
        images.append(image)
    if not images:
        raise InputError(domains_file, "lists no domains")
    default = str(data.get("default", images[0].name))
    if default not in {i.name for i in images}:
        default = images[0].name
    return BuildFiles(images, default)
