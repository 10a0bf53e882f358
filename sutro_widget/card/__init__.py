"""The card: the only traitlets code, and the pure state it shows.

:mod:`~sutro_widget.card.state` decides what a card shows from events;
:mod:`~sutro_widget.card.widget` writes that to traits; the fallbacks keep
the saved notebook true.
"""
