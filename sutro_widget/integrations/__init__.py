"""Glue for notebook hosts whose reactivity lives outside traitlets (marimo)."""
