"""Onboarding imports (#18): past records from other systems, as verified events."""

from api.imports.engine import FORMATS, ImportRefused, ImportReport, run_import

__all__ = ["FORMATS", "ImportRefused", "ImportReport", "run_import"]
