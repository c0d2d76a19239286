"""What operators need to run dondoc: metrics, structured logs, readiness (docs/operations.md)."""
