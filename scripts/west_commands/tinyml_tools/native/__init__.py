"""ctypes bindings to build/host/libtinyml_host.so: the firmware's own C code on the desktop.

``library()`` loads it (TinymlError when it is not built); ``features``, ``decision`` and
``drift`` wrap the signal-chain API with typed Python functions.
"""
