"""The HTTP API: app factory, routes, response models, middleware (requests: `handler.requests`)."""
