"""reports/results.md, its figures and the model card, drawn from reports/results.json."""
