"""Deliberately broken backends: the reference with one realistic semantic bug each."""
