"""The domain of applications and certificates: stages, timelines, working days, verification."""
