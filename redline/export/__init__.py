"""Exports: the Word redline, Compare and the memo (each its own module)."""
