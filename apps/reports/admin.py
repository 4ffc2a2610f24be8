"""Nothing to administer: reports have no models."""
