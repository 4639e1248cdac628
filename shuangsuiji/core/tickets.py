"""Tickets (SPEC §4): Rivest's consistent-sampling first tickets, digit for digit as the
``consistent_sampler`` package computes them (``first_fraction(id, seed)``), and rankings by ticket.
"""

from __future__ import annotations

import hashlib
import heapq
import unicodedata
from typing import NamedTuple

#: Suffix that derives the inspectors' seed from the companies' seed.
INSPECTOR_SEED_SUFFIX = "|inspectors"


class Ticket(NamedTuple):
    """A ticket and its id; tuples order by ticket, then by id (the tie-break)."""

    ticket: str
    id: str


def normalize_seed(seed: str) -> str:
    """Surrounding white space removed, NFC applied; an empty seed is refused."""
    text = unicodedata.normalize("NFC", seed.strip())
    if not text:
        raise ValueError("随机种子不能为空")
    return text


def seed_digest(seed: str) -> str:
    """``sha256_hex(UTF-8(seed))``: computed once per draw."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def ticket_of(item_id: str, digest: str) -> str:
    """``0.`` + the reversed, zero-padded decimal of SHA-256(digest + id)."""
    value = int.from_bytes(hashlib.sha256((digest + item_id).encode("utf-8")).digest(), "big")
    return "0." + f"{value:064d}"[::-1]


def first_fraction(id, seed) -> str:  # same parameter names as consistent_sampler.first_fraction
    """The first ticket of ``id`` under ``seed``; like that package, both are turned into strings first."""
    return ticket_of(str(id), seed_digest(str(seed)))


def _ticket_list(ids: list, seed: str) -> list:
    """The ticket of every id, in order: ``ticket_of`` inlined, since a province-scale draw computes 100,000."""
    digest = seed_digest(seed)
    sha256, from_bytes = hashlib.sha256, int.from_bytes
    return ["0." + f"{from_bytes(sha256((digest + i).encode('utf-8')).digest(), 'big'):064d}"[::-1] for i in ids]


def ticket_pairs(ids, seed: str) -> list:
    """(ticket, id) for every id, in input order: sorted, the (ticket, id) order without a :class:`Ticket` each."""
    listed = list(ids)
    return list(zip(_ticket_list(listed, seed), listed))


def tickets(ids, seed: str) -> list:
    """Every id with its :class:`Ticket`, in input order."""
    return [Ticket(*pair) for pair in ticket_pairs(ids, seed)]


def rank(ids, seed: str) -> list:
    """All ids as :class:`Ticket`, in ticket order, smallest first."""
    return [Ticket(*pair) for pair in sorted(ticket_pairs(ids, seed))]


def smallest(ids, seed: str, k: int) -> list:
    """The ``k`` smallest tickets as :class:`Ticket`, in ticket order, ties broken by id.

    Tickets are compared as plain strings (much cheaper than tuples at province scale); only when two
    tickets are equal — astronomically unlikely — does the slower (ticket, id) order decide.
    """
    if k <= 0:
        return []
    listed = list(ids)
    owner = dict(zip(_ticket_list(listed, seed), listed))
    if len(owner) < len(listed):
        return [Ticket(*pair) for pair in heapq.nsmallest(k, ticket_pairs(listed, seed))]
    chosen = sorted(owner)[:k] if 32 * k >= len(owner) else heapq.nsmallest(k, owner)
    return [Ticket(ticket, owner[ticket]) for ticket in chosen]


def inspector_seed(seed: str) -> str:
    """The seed that ranks inspectors: ``seed + "|inspectors"``."""
    return seed + INSPECTOR_SEED_SUFFIX
