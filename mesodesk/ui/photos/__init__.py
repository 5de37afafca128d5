"""Clinical photos in the window: the import dialog, the Photos tab, before/after compared."""
