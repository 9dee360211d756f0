"""Run named checks over one frame, in order, fail-closed.

A check is a function ``check_x(frame, policy)`` that returns its
:class:`~docsec.result.CheckResult`, a :class:`Finding` (the result with what
it located on the page, whether the input now requires it, and the paper's
state), or None when it does not apply (it is then absent, which never counts
as passed). :func:`run` calls each in turn: an exception inside a check becomes
that check failed (``check-error``), never a crash and never a pass.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from docsec._types import Image
from docsec.policy import VerifyPolicy
from docsec.result import CheckResult, CheckStatus, Location, Paper

__all__ = ["Finding", "Outcome", "Run", "Step", "failed", "run"]

logger = logging.getLogger(__name__)

F = TypeVar("F")


@dataclass(frozen=True, slots=True)
class Finding:
    """What one check found: its result, and what it adds to the input's result.

    Attributes
    ----------
    check : CheckResult
    locations : tuple of Location
        Regions of the page the check read (drawn by ``--annotate``).
    required : bool
        The input requires this check on top of the policy (a protection the
        signed seal declares and the verifier can check).
    paper : Paper or None
        The copy check's decision about the paper.
    """

    check: CheckResult
    locations: tuple[Location, ...] = ()
    required: bool = False
    paper: Paper | None = None


#: What a check returns (a tuple: a check that reports several items, such as
#: each signature of a PDF).
Outcome = CheckResult | Finding | tuple[CheckResult, ...] | None
#: A check in a pipeline: its name (for a failure) and its function.
Step = tuple[str, Callable[[F, VerifyPolicy], Outcome]]


@dataclass(slots=True)
class Run:
    """The checks of one input, as they accumulate."""

    checks: list[CheckResult] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    #: Checks required for this input on top of the policy's.
    required: set[str] = field(default_factory=set)
    #: The copy check's decision about the paper, whatever the policy makes of it.
    paper: Paper | None = None
    #: The page image the locations refer to, and the resolution docsec rendered
    #: it at (None: the input's own pixels).
    page: tuple[Image, float | None] | None = None
    #: The page in colour, for copy detection's colour evidence: loaded on demand
    #: (a colour scan's pixels are three times its grey ones); None for grey input.
    colour: Callable[[], Image | None] | None = None

    def add(
        self,
        name: str,
        status: CheckStatus,
        detail: str,
        *reasons: str,
        score: float | None = None,
        threshold: float | None = None,
    ) -> CheckResult:
        c = CheckResult(name, status, detail, tuple(reasons), score, threshold)
        self.checks.append(c)
        return c

    def record(self, outcome: Outcome) -> None:
        """Add a check's outcome (nothing for None)."""
        if outcome is None:
            return
        if isinstance(outcome, CheckResult):
            self.checks.append(outcome)
            return
        if isinstance(outcome, tuple):
            self.checks.extend(outcome)
            return
        self.locations.extend(outcome.locations)
        self.checks.append(outcome.check)
        if outcome.required:
            self.required.add(outcome.check.name)
        if outcome.paper is not None:
            self.paper = outcome.paper


def failed(name: str, exc: BaseException) -> CheckResult:
    """Return the result of a check ``name`` that raised ``exc``: ``check-error``."""
    return CheckResult(
        name, CheckStatus.FAIL, f"check raised {type(exc).__name__}", ("check-error",)
    )


class _Alongside:
    """One check running in a thread of its own while the others run."""

    def __init__(
        self,
        name: str,
        check: Callable[[F, VerifyPolicy], Outcome],
        frame: F,
        policy: VerifyPolicy,
    ) -> None:
        self.name = name
        self.outcome: Outcome = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run,
            args=(check, frame, policy),
            name=f"docsec-check-{name}",
            daemon=True,
        )
        self._thread.start()

    def _run(
        self,
        check: Callable[[F, VerifyPolicy], Outcome],
        frame: F,
        policy: VerifyPolicy,
    ) -> None:
        try:
            self.outcome = check(frame, policy)
        except BaseException as exc:  # noqa: BLE001 - re-raised by result()
            self.error = exc

    def result(self) -> Outcome:
        """Wait for the check; return its outcome or raise what it raised."""
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.outcome


def run(
    into: Run,
    frame: F,
    policy: VerifyPolicy,
    steps: Sequence[Step[F]],
    *,
    alongside: Collection[str] = (),
) -> None:
    """Run ``steps`` over ``frame``, recording each outcome in ``into`` in order.

    The steps named in ``alongside`` start first, each in a thread of its own, and
    run while all the others run in this one, one after the other: for a check that mostly waits on other
    processes (the printed-text check's OCR engines), so their work overlaps this
    process's. The checks only read the frame. Every outcome, and every
    exception (``check-error``), is recorded in the order of ``steps`` whichever
    finished first.
    """
    started = {
        k: _Alongside(name, check, frame, policy)
        for k, (name, check) in enumerate(steps)
        if name in alongside
    }
    outcomes: list[Outcome] = [
        None if k in started else _call(name, check, frame, policy)
        for k, (name, check) in enumerate(steps)
    ]
    for k, waiting in started.items():
        outcomes[k] = _call(waiting.name, waiting, frame, policy)
    for outcome in outcomes:
        into.record(outcome)


def _call(
    name: str,
    check: Callable[[F, VerifyPolicy], Outcome] | _Alongside,
    frame: F,
    policy: VerifyPolicy,
) -> Outcome:
    """Return a check's outcome, or the check failed (``check-error``) if it raised."""
    try:
        if isinstance(check, _Alongside):
            return check.result()
        return check(frame, policy)
    except Exception as exc:
        logger.debug("check %s raised", name, exc_info=True)
        return failed(name, exc)
