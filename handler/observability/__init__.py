"""Logs and metrics: what the service says about itself, never review text."""
