"""tinyml tools: model packing, memory reports and replay for the tinyml firmware.

This package has no dependency on west: the west extension commands in
``scripts/west_commands/tinyml_west.py`` and the ``tinyml`` console script both call it.
"""

__version__ = "0.1.0"
