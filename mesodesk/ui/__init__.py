"""Every widget, dialog, Qt model and the main window."""
