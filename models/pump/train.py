"""Recipes of the pump: the generator's recordings into a dataset, then `west train` twice:

- the classifier (normal, bearing, cavitation): a 1D CNN over the last 4 frames (1 s);
- the anomaly detector (models/pump/anomaly): a dense autoencoder trained on normal operation
  only (every input touching a labelled episode is left out), its reconstruction error scored
  on the device (<tinyml/anomaly.h>) and calibrated on normal validation data.

Both are judged on the same held-out conditions (another pump, a bracket mount, -5/55 C).

    python models/pump/train.py [--force]
"""

import sys

from tinyml_tools.train.recipe import Recipe, Target, run_recipes

CLASSIFIER = Recipe(
    example="pump",
    template="cnn1d",
    frames=4,
    epochs=20,
    session_seconds=240.0,
    min_overlap=0.75,
    background="normal",
    target=Target(max_false_triggers_per_hour=2.0),
)
ANOMALY = Recipe(
    example="pump",
    template="autoencoder",
    frames=4,
    epochs=30,
    session_seconds=240.0,
    out="anomaly",
    name="pump_anomaly",
    background="normal",
    target=Target(max_false_triggers_per_hour=1.0),
)

if __name__ == "__main__":
    sys.exit(run_recipes([CLASSIFIER, ANOMALY]))
