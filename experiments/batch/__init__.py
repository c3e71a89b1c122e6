"""Batch experiments: experiment files, designs, executors, the result store, comparison, sensitivity."""
