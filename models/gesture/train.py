"""Recipe of the gesture ring: the generator's recordings into a dataset, then `west train`
with a depthwise-separable CNN over the last 12 feature frames (about one second), trained
quantization-aware (--qat), the same path as a user's own recordings (docs/train.md).

    python models/gesture/train.py [--force]
"""

import sys

from tinyml_tools.train.recipe import Recipe, Target, run_recipes

RECIPE = Recipe(
    example="gesture",
    template="dscnn",
    frames=12,
    epochs=20,
    session_seconds=150.0,
    min_overlap=0.8,
    qat=True,
    target=Target(max_false_triggers_per_hour=30.0),
)

if __name__ == "__main__":
    sys.exit(run_recipes([RECIPE]))
