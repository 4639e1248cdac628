"""Pydantic schemas of every file the bureau keeps. No I/O here."""

from __future__ import annotations

from ._base import Record, is_public, public_fields
from .bureau import (
    Approval,
    Bureau,
    ChecklistFile,
    ChecklistItem,
    Disclosure,
    DutiesFile,
    Duty,
    ResultCategory,
    Section,
    SectionsFile,
)
from .plan import Plan, PlanApproval, PlanItem, TemporaryPlan
from .registry import (
    Conflict,
    CreditEntry,
    CreditFile,
    EntitiesFile,
    Entity,
    Inspector,
    InspectorsFile,
)
from .report import Evidence, Report, Review

__all__ = [
    "Approval", "Bureau", "ChecklistFile", "ChecklistItem", "Conflict", "CreditEntry", "CreditFile",
    "Disclosure", "Duty", "DutiesFile", "EntitiesFile", "Entity", "Inspector", "InspectorsFile",
    "Plan", "PlanApproval", "PlanItem", "Record", "ResultCategory", "Section", "SectionsFile",
    "TemporaryPlan", "is_public", "public_fields", "Evidence", "Report", "Review",
]
