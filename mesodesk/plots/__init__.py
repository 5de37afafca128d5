"""Matplotlib figure builders: data in, ``Figure`` out (no Qt, no pyplot)."""
