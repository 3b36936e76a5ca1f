"""Memory reports of firmware ELFs: where every byte went, what ML costs, does it fit.

Public API: :func:`load.load_reports` (PATH -> one :class:`model.Report` per image),
:func:`budget.check_budget`, :func:`diff.diff_reports`, and the renderers in ``render_*``.
"""
