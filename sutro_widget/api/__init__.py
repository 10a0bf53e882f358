"""The Sutro HTTP API: key/URL resolution, the client, answers and their shapes.

No threads and no traits live here: :mod:`sutro_widget.polling` decides when
to ask, :mod:`sutro_widget.card` what to show.
"""
