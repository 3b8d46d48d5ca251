"""Deployment: the registry, the compiled fast path, the prediction log, batch scoring and the HTTP service."""
