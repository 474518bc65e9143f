"""linkedin.demo."""
