"""Documents the producer sends in LINE while an application waits on them: the table, the storage,
the check of what was received, and the job that fetches it from LINE outside the dispatcher's transaction."""
