"""Training a detector from a dataset split (``west train``, docs/train.md).

``features`` computes the device's features of each recording, ``inputs`` stacks them into
labelled model inputs, ``templates`` holds the model architectures, ``fit`` trains with fixed
seeds and a progress bar, ``export`` quantizes to int8 (PTQ or QAT), ``calibrate`` chooses the
thresholds by replaying validation recordings through the device pipeline and decisions,
``model_dir`` writes what ``model-pack build`` and ``replay`` take, ``report`` the training
report, and ``run`` puts them together.
"""
