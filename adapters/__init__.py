"""Backends: one adapter module per system, plus ``mutants/``, deliberately broken ones."""
