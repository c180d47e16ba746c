"""Builds small datasets in the aclImdb layout for the loader and report tests."""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Iterable
from pathlib import Path

# Stars the real dataset uses per class; neutral 5 and 6 never appear.
STARS = {"neg": (1, 2, 3, 4), "pos": (7, 8, 9, 10)}

SPLITS = ("train", "test")
TextFor = Callable[[str, str, int], str]


def plain_text(split: str, kind: str, i: int) -> str:
    return f"A {kind} review number {i} from the {split} split.<br /><br />The end."


def write_aclimdb(
    root: Path,
    per_class: int,
    text: TextFor = plain_text,
    splits: Iterable[str] = ("train", "test"),
) -> Path:
    """aclImdb/{split}/{neg,pos}/<id>_<stars>.txt under `root`; returns the aclImdb folder."""
    base = root / "aclImdb"
    for split in splits:
        for kind, stars in STARS.items():
            folder = base / split / kind
            folder.mkdir(parents=True)
            for i in range(per_class):
                path = folder / f"{i}_{stars[i % len(stars)]}.txt"
                path.write_text(text(split, kind, i), encoding="utf-8")
    return base


def tar_gz(folder: Path, target: Path) -> Path:
    with tarfile.open(target, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return target
