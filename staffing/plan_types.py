"""Plain data a reassignment plan hands to the rules: what changes for one official at the cutover.

The rules (staffing/rules.py) lay a list of these over the current holdings to get the roster "as planned";
they never query. ``staffing.plan`` builds them from Proposal rows.
"""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedChange:
    """One proposal as the rules see it.

    outcome: one of staffing.models.Outcome (keep, move, appoint, retire, leave, lapse).
    For move and appoint: the target ward and position code. For lapse: the concurrent holding that ends.
    ``is_promotion`` is true for a first appointment to a leadership post or a move to a higher one
    (the 60-month age rule applies); the plan service decides it from the official's current posts.
    """

    proposal_id: int | None
    official_id: int
    outcome: str
    target_ward_id: int | None = None
    target_position: str | None = None
    holding_id: int | None = None
    is_promotion: bool = False
    effective_date: dt.date | None = None  # the cutover date unless the decision says otherwise
