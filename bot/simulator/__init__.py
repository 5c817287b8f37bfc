"""Local LINE chat simulator and fake Messaging API (simulator mode and tests only)."""
