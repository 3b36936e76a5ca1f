"""Datasets of a user's own recordings: import (CSV, WAV, .npz with labels and metadata
sidecars), summary, and leakage-free splits by session or condition (docs/dataset.md).

``metadata`` checks a recording's metadata, ``sources`` reads one file as it came off a device
or logger, ``store`` is the dataset folder on disk, ``importer`` adds files all or nothing,
``info`` summarizes (with a plot), ``split`` cuts by session or condition.
"""
