"""The HTTP API: app factory, routes, request and response models, middleware."""
