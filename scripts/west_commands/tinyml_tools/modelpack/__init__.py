"""Model packaging: model.yaml, conversion, operator checks, arena sizing, signed packages."""
