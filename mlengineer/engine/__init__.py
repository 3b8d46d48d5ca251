"""The engine: preprocessing per model family, the families, the cross-validated search and the ensemble."""
