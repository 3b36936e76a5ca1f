"""Fit the cost model to the rig's measurements and write it with its provenance and scores.

    python tests/bench/profile_rig/fit_cost.py MEASURED.json OUT.json

MEASURED.json is measure.py's output (committed as tinyml_tools/profile/data/measured_m4f.json);
OUT.json becomes tinyml_tools/profile/data/cost_m4f.json. The leave-one-model-out error of
every real model is stored with it (and recomputed by `make bench`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

RIG = Path(__file__).resolve().parent
sys.path.insert(0, str(RIG.parents[2] / "scripts" / "west_commands"))

from tinyml_tools.profile.fit import fit, leave_one_model_out, read_measurements  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("measured", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    data = json.loads(args.measured.read_text())
    models = read_measurements(data)
    meta = {k: v for k, v in data.items() if k != "models"}
    scores = leave_one_model_out(models)
    meta["fit"] = {
        "method": "per kernel kind, non-negative least squares on relative error",
        "models": len(models),
        "operators": sum(len(m.rows) for m in models),
        "leave_one_model_out_error": {s.model: round(s.error, 4) for s in scores},
        "worst_abs_error": round(max(abs(s.error) for s in scores), 4),
    }
    cost = fit(models, meta)
    args.out.write_text(json.dumps(cost.as_dict(), indent=1, sort_keys=False) + "\n")
    for s in scores:
        print(
            f"{s.model:40s} measured {s.measured:12,.0f} estimated {s.estimated:12,.0f} "
            f"{100 * s.error:+6.1f}%"
        )
    print(f"worst {100 * meta['fit']['worst_abs_error']:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
