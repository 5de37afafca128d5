"""Use cases of the record. Each write is one transaction with its audit entries.

Services take typed input (the ``*Data`` classes), validate it, and raise
:class:`~mesodesk.core.errors.ValidationError` naming the field before anything is
written. Reads return frozen dataclasses that stay valid after the session closes.
"""
