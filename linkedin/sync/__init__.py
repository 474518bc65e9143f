"""linkedin.sync.upload."""
