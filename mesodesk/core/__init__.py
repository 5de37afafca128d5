"""The Qt-free heart of mesodesk: the record, its rules, persistence and use cases."""
