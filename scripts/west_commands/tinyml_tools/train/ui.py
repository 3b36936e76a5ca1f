"""Progress hooks of a training run; the command gives a rich one, tests the silent default.
Kept apart so the command line imports it without the training code."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator


class Ui:
    def step(self, message: str) -> None:
        pass

    @contextlib.contextmanager
    def bar(self, description: str, total: float) -> Iterator[Callable[[float, str], None]]:
        yield lambda advance, text: None
