"""When an issued certificate expires (knowledge/certificates.yaml; the validity is an assumption)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from bot.config import knowledge_file


@dataclass(frozen=True)
class CertificateRule:
    issued_at_stage: str
    validity_years: int
    verified: bool

    def expires_on(self, issued_on: date) -> date:
        """The same calendar day ``validity_years`` later (29 Feb → 28 Feb)."""
        year = issued_on.year + self.validity_years
        try:
            return issued_on.replace(year=year)
        except ValueError:
            return issued_on.replace(year=year, day=28)


def certificate_rule() -> CertificateRule:
    """The rule in the knowledge directory's ``certificates.yaml`` (read once per directory)."""
    return load_certificate_rule(knowledge_file("certificates.yaml"))


@lru_cache(maxsize=4)
def load_certificate_rule(path: Path) -> CertificateRule:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    years = data["validity_years"]
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 10:
        raise ValueError(f"{path.name}: validity_years must be a whole number of years (1–10)")
    return CertificateRule(str(data["issued_at_stage"]), years, bool(data.get("verified", False)))
