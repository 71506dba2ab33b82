"""Read-model tables of the credit context (filled in as its projections land)."""
