"""Pydantic schemas of every file the bureau keeps. No I/O here."""

from __future__ import annotations

from shuangsuiji.registry.models.base import Model, is_public, public_fields
from shuangsuiji.registry.models.bureau import (
    Approval,
    Bureau,
    ChecklistFile,
    ChecklistItem,
    DisclosureDeadline,
    DutiesFile,
    Duty,
    ResultCategory,
    Section,
    SectionsFile,
)
from shuangsuiji.registry.models.directories import (
    Conflict,
    CreditEntry,
    CreditFile,
    EntitiesFile,
    Entity,
    Inspector,
    InspectorsFile,
)
from shuangsuiji.registry.models.plan import Plan, PlanApproval, PlanItem, TemporaryPlan
from shuangsuiji.registry.models.report import Evidence, Report, Review

__all__ = [
    "Approval", "Bureau", "ChecklistFile", "ChecklistItem", "Conflict", "CreditEntry", "CreditFile",
    "DisclosureDeadline", "Duty", "DutiesFile", "EntitiesFile", "Entity", "Inspector", "InspectorsFile",
    "Plan", "PlanApproval", "PlanItem", "Model", "ResultCategory", "Section", "SectionsFile",
    "TemporaryPlan", "is_public", "public_fields", "Evidence", "Report", "Review",
]
