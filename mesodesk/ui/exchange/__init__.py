"""Moving records in and out from the window: exports, imports, recalls, printing."""
