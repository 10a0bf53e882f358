"""Time: when to ask about each job, and the one thread that asks.

Knows the client's coroutines and the answer types, but nothing of traits or
what a card shows: results go to listeners (:mod:`sutro_widget.polling.watch`).
"""
