"""Python reference of the firmware's feature pipelines (numpy), bit-exact with the C core.

``pipeline`` holds the configuration (YAML), its canonical blob and the pipeline ID;
``compute`` runs a whole pipeline; the other modules mirror one C file each.
"""
