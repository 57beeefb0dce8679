"""What the board reports (PARS, CPE Monitor) are made of: completions, one per certificate.

A certificate covers the claims a learner made together, and a reissue covers the same
claims again, so a completion keeps its identity (its first claim) through reissues while
its certificate, and the values it reports, may change. That identity is what the batch
bookkeeping (:mod:`quizapp.reports.services`) records, deletes and reports again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from quizapp.certificates.services import latest_certificate_id
from quizapp.models import Activity, Certificate, CreditClaim, Evaluation, User
from quizapp.reports.batching import BATCH

NO_CONSENT = "no-consent"
"""Left out: the learner has not consented to board reporting."""
NOT_FOR_THIS_REPORT = "not-for-this-report"
"""Left out: no credit this report takes (a certificate of participation, say)."""
REVOKED = "revoked"
"""Left out: the certificate is revoked."""


@dataclass(frozen=True)
class Completion:
    """A learner's claims covered by one certificate, with what the reports need to date it."""

    user: User
    claims: tuple[CreditClaim, ...]
    certificate_id: int | None
    status: str | None
    evaluated_on: dt.date | None

    @property
    def key(self) -> str:
        """Stable through reissues: the certificates of a completion cover the same claims."""
        return str(self.claims[0].id)

    @property
    def completed_on(self) -> dt.date:
        return max(claim.claimed_at for claim in self.claims).date()

    def amounts(self) -> dict[str, Decimal]:
        return {claim.credit_type: claim.amount for claim in self.claims}


@dataclass(frozen=True)
class Outcome:
    """What one completion gives a report: its rows, or why it has none."""

    rows: tuple[tuple[str, ...], ...] = ()
    """Upload rows, each starting with its action, ``Add``."""
    problem: str = ""
    """Why it cannot be reported as it is: listed for the administrator to act on."""
    late: bool = False
    """The problem is the report's deadline; pages and commands flag it in red."""
    left_out: str = ""
    """Counted but not listed: :data:`NO_CONSENT`, :data:`NOT_FOR_THIS_REPORT`, :data:`REVOKED`."""


Judge = Callable[[Completion, bool], Outcome]
"""A report's rules for one completion; the flag says it corrects rows already reported,
which no deadline holds back."""


def completions(session: Session, activity: Activity) -> Iterator[Completion]:
    """Every completion of the activity, streamed in learner order.

    Claims arrive ordered by learner and certificate, so only one completion is held at a
    time and memory stays flat however many learners the activity has.
    """
    query = (
        select(User, CreditClaim, Certificate.id, Certificate.status, Evaluation.submitted_at)
        .join(CreditClaim, CreditClaim.user_id == User.id)
        .outerjoin(Certificate, Certificate.id == latest_certificate_id())
        .outerjoin(
            Evaluation,
            and_(
                Evaluation.user_id == CreditClaim.user_id,
                Evaluation.activity_id == CreditClaim.activity_id,
            ),
        )
        .where(CreditClaim.activity_id == activity.id)
        .order_by(User.id, Certificate.id, CreditClaim.id)
        .execution_options(yield_per=BATCH)
    )
    rows = session.execute(query)
    for _, group in groupby(rows, key=lambda row: (row[0].id, row[2])):
        members = list(group)
        user, _, certificate_id, status, evaluated_at = members[0]
        yield Completion(
            user=user,
            claims=tuple(claim for _, claim, _, _, _ in members),
            certificate_id=certificate_id,
            status=status,
            evaluated_on=evaluated_at.date() if evaluated_at else None,
        )
