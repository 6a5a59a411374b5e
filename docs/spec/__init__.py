"""The specification: its chapters ship with the suite as ``tracespec.spec`` (Markdown files)."""
