"""The model's contract: text pipeline, features, vocabulary, runtime, predictor and manifest; nothing of the HTTP layer."""
