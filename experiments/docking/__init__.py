"""Docking of the classic models: building their runs for the batch tools, and equivalence statistics."""
