"""The models and their training: architectures, the fit protocol, baselines, the served model."""
