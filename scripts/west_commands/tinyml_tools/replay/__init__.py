"""Desktop replay: recorded data through the device's feature, model and decision code.

``recording`` reads and writes recordings (CSV, WAV, the project's ``.npz``), ``labels`` the
event labels next to them, ``metrics`` scores detections against labels, ``report`` writes the
PNG/HTML/JSON report, and ``runner`` drives the device pipeline over a recording.
"""
