"""linkedin.api."""
