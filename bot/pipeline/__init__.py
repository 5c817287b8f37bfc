"""One event's whole trip: webhook inbox → dispatcher → outbox → sender, and the worker that runs them."""
