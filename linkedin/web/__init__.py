"""linkedin.web."""
