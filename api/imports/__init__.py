"""Onboarding imports (#18): past records from other systems, as verified events."""

from api.imports.engine import FORMATS, ImportReport, run_import
from api.imports.mappings import PARTS
from api.imports.rows import ImportRefused

__all__ = ["FORMATS", "PARTS", "ImportRefused", "ImportReport", "run_import"]
