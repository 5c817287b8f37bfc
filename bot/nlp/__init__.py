"""Thai text processing and matching: pure functions, no I/O beyond reading knowledge files."""
