"""Upward sync between deployments (đồng bộ với cấp trên): a district or department
deployment polls its upper level's REST API for the assignments given to it, tracks them
locally, and reports their progress back through an outbox that survives network failures."""
