"""The data-exploration report: its numbers, its figures and its Markdown."""
