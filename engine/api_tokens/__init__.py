"""Bearer tokens for the REST API and the idempotency keys of its creating calls."""
