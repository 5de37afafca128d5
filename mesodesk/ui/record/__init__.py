"""The patient record: header, actions and the tabs of one patient's history."""
