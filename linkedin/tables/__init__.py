"""linkedin.tables."""
