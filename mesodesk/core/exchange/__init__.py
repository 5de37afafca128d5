"""Moving records in and out of mesodesk: exports, the archive, imports, recall lists.

Every writer here streams its rows, reports progress through :mod:`.progress` and writes
through :func:`.files.atomic_output`, so a failed or cancelled export leaves no half file.
"""
