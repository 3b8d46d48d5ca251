"""Deployment: the registry, the compiled single-row fast path, the prediction log, batch scoring and the HTTP service."""
