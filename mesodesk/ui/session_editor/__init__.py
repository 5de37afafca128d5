"""The session editor: record a session in under two minutes, or amend one."""

from mesodesk.ui.session_editor.editor import SessionEditor

__all__ = ["SessionEditor"]
