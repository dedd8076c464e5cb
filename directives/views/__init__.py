"""The directive pages: reading (list, detail) and the editor (reviewers only)."""
