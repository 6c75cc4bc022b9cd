"""Checking RDF: SHACL with pySHACL (a :class:`Report` in French and English) and the
schema.org vocabulary checker. See ``shapes/README.md``.
"""

from __future__ import annotations

from .checker import CompiledValidator, project_checker, report_of
from .shacl import ONTOLOGY_DIR, Report, Validator, core_shape_files, project_validator, validate

__all__ = [
    "CompiledValidator",
    "ONTOLOGY_DIR",
    "Report",
    "Validator",
    "core_shape_files",
    "project_checker",
    "project_validator",
    "report_of",
    "validate",
]
