"""linkedin.insights."""
