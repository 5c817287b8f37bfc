"""Personal data as Thailand's PDPA expects: what the service keeps about a LINE user and deleting it
(`subject`), the office's export and erasure of an applicant's data (`applicant`, `console`), the retention
purge (`retention`, `cli`), the audit of all of these (`model`, `audit`) and the privacy notice (`notice`,
text in knowledge/privacy.yaml). `wiring.init_app` is the one place `create_app` plugs it in."""
