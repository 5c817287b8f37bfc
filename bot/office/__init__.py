"""What provincial offices do: officers, casework, questions, announcements, the console and the API."""
