"""The workspace's dialogs: patients, screening, consents, courses, catalogue, side effects."""
