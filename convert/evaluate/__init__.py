"""Judging the models: metrics, goals, the shipped files through the service, comparisons."""
