"""Recipe of the knock detector: the generator's recordings into a dataset, then `west train`
(a 1D CNN over the last 8 feature frames, 360 ms of signal), the same path as a user's own
recordings (docs/train.md).

    python models/knock/train.py           # reuse the committed model when inputs are unchanged
    python models/knock/train.py --force   # retrain
"""

import sys

from tinyml_tools.train.recipe import Recipe, Target, run_recipes

RECIPE = Recipe(
    example="knock",
    template="cnn1d",
    frames=8,
    epochs=14,
    session_seconds=40.0,
    min_overlap=0.5,
    target=Target(max_false_triggers_per_hour=5.0),
)

if __name__ == "__main__":
    sys.exit(run_recipes([RECIPE]))
