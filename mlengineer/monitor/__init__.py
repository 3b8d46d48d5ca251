"""Monitoring after deployment: data and prediction drift, performance, one verdict per batch, retraining."""
