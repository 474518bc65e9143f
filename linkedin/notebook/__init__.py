"""linkedin.notebook."""
