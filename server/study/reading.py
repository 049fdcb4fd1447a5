"""Reading time of a study material, measured by the server from the page's heartbeats.

A member reads a material in the mini-program; the page opens a *reading session* and sends
events: ``start`` when it opens, ``beat`` every ``interval`` seconds while it is visible,
``pause`` when it is hidden (another page, the app in the background, the screen off),
``resume`` when it is shown again and ``finish`` when it closes. Each event carries the
page's sequence number ``seq`` (0, 1, 2 … within the session) and the phone's clock; the
time that counts is the server's receive time, never the phone's (which may be wrong, skewed
or made up) — ``Event.client_at`` is accepted and never used. A material counts as studied
once a member's counted time reaches its minimum dwell time (``studied``).

Everything here is pure: ``credit`` takes the session's ``ReadingState`` (a small immutable
value the caller persists), one event and its receive time, and returns the new state, the
seconds credited for this event and a verdict. The rules, precisely:

1. **Start.** Nothing counts before an accepted ``start``; any other event before it is
   dropped (``not_started``, state unchanged). The start's receive time starts the clock:
   ``started_at`` and the *clock* (``clock_at``, the server time up to which the session has
   been accounted) are set to it, and its ``seq`` (whatever it is) becomes ``last_seq``.
2. **Order.** After the start, an event whose ``seq <= last_seq`` is a replay, a duplicate or
   arrived out of order: dropped (``replay``, 0 s, state unchanged). Any larger ``seq`` is
   *consumed* (``last_seq = seq``) whatever else happens to it, so it can never count twice;
   a jump in ``seq`` (events lost on the way) is accepted, and rule 4 bounds what it is worth.
3. **Only visible time counts, measured by the server.** A ``beat``, ``pause`` or ``finish``
   of a running (not paused) session accounts the *gap* from the clock to its receive time
   and moves the clock to that time. ``resume`` and ``start`` credit nothing.
4. **A gap is worth at most one interval.** Only the last ``interval + grace`` seconds of a
   gap count (``Settings.cap``, 15 + 5 = 20 s by default): after the phone slept, the network
   dropped or beats were lost, the long gap counts as one beat, never as the whole gap.
5. **Too fast.** A ``beat`` received less than ``min_interval`` (7.5 s) after the clock
   credits nothing (``too_fast``) and does **not** move the clock; the time is not lost — the
   next beat received at least ``min_interval`` after the clock accounts the whole gap (up to
   the cap). So a flood of beats every second is credited at most the real time that passed,
   in one piece every ``min_interval`` seconds or so. ``pause`` and ``finish`` are never too
   fast (a page may be left two seconds after a beat); that cannot be abused either (rule 8).
6. **Pause stops the clock.** ``pause`` accounts the gap up to it (rules 3-4) and marks the
   session paused. While paused, ``beat`` credits nothing and does not restart the clock
   (``while_paused`` — a timer still running in the background must not count), another
   ``pause`` does nothing (``paused``), ``finish`` ends the session with nothing more.
   ``resume`` restarts the clock at its receive time (``resumed``); a ``resume`` on a running
   session means its ``pause`` was lost, so it too credits nothing and restarts the clock (the
   hidden time before it is dropped). A second ``start`` with a fresh seq is ignored
   (``already_started``).
7. **Finish.** ``finish`` accounts the last gap (if running) and ends the session; every later
   event is dropped (``after_finish``, state unchanged), replays included.
8. **Never more than real time.** The clock never moves back (a receive time earlier than the
   clock — two servers' clocks, requests handled out of order — credits nothing), and each
   credited stretch is a sub-interval of ``[clock, received_at]`` that ends where the clock
   then stands. So the credited stretches of a session are disjoint pieces of
   ``[started_at, latest receive time]``: its total can never exceed the real time since its
   start (enforced again as a bound), nor one second per real second however events are
   spaced, and is also capped at ``Settings.max_session`` (2 hours). Credits are never
   negative.
9. **Overlap between sessions of one person.** Reading two materials at once (two phones, a
   stale session left open) must not count the same wall-clock time twice. The caller keeps,
   per person, ``busy_until``: the server time up to which that person's time has already been
   credited to some session. Passed to ``credit``, it trims the credited stretch of the gap to
   the part after ``busy_until``; the returned ``Credit.busy_until`` is the receive time if
   anything was credited, else the value passed in. The caller must account one person's
   events one at a time (lock the person's row, e.g. ``SELECT … FOR UPDATE``), read
   ``busy_until``, call ``credit`` and store the new session state *and* the new
   ``busy_until`` in the same transaction. Then the stretches credited to all of a person's
   sessions are disjoint: overlapping time is credited once, to whichever session accounts it
   first. Without ``busy_until`` (``None``) sessions are accounted independently.

Receive times are ``datetime``s of one kind (naive UTC like ``db_types.utcnow()`` or aware);
the caller must persist ``started_at`` and ``clock_at`` with their microseconds (a
``DateTime(fsp=6)`` column) or truncate every receive time the same way before calling: a
clock stored rounded down while the next receive time is not would let each gap grow a little.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import NamedTuple

START, BEAT, PAUSE, RESUME, FINISH = "start", "beat", "pause", "resume", "finish"
KINDS = (START, BEAT, PAUSE, RESUME, FINISH)

# Verdicts. Accepted (the seq is consumed): the first six and the two after them that credit
# nothing by rule; dropped (state unchanged): the last three.
STARTED = "started"  # the start: the clock starts
COUNTED = "counted"  # a beat that accounted its gap (the seconds may still be 0: overlap, max)
PAUSED = "paused"  # a pause: the gap up to it accounted, the clock stopped
RESUMED = "resumed"  # a resume: the clock restarts at its receive time
FINISHED = "finished"  # a finish: the last gap accounted, the session closed
TOO_FAST = "too_fast"  # a beat less than min_interval after the clock: nothing, clock unmoved
WHILE_PAUSED = "while_paused"  # a beat while paused: nothing
ALREADY_STARTED = "already_started"  # a second start with a fresh seq: nothing
REPLAY = "replay"  # seq <= last accepted seq: duplicate, replay or out of order
NOT_STARTED = "not_started"  # before the start
AFTER_FINISH = "after_finish"  # after the finish
VERDICTS = (
    STARTED,
    COUNTED,
    PAUSED,
    RESUMED,
    FINISHED,
    TOO_FAST,
    WHILE_PAUSED,
    ALREADY_STARTED,
    REPLAY,
    NOT_STARTED,
    AFTER_FINISH,
)

# Totals are sums of microsecond-exact stretches in floating point: ``studied`` forgives this.
EPSILON = 1e-6


@dataclass(frozen=True)
class Settings:
    """How the page beats and what the server makes of it (seconds).

    ``interval``: the page sends a beat this often while visible; ``grace``: lateness a beat
    may have and still count in full, so one gap is worth at most ``interval + grace``;
    ``min_interval``: a beat sooner than this after the clock is too fast (default half the
    interval); ``max_session``: the most one session can ever be credited.
    """

    interval: float = 15.0
    grace: float = 5.0
    min_interval: float | None = None  # None: interval / 2 (7.5 s by default)
    max_session: float = 7200.0

    def __post_init__(self):
        if self.min_interval is None:
            object.__setattr__(self, "min_interval", self.interval / 2)
        if not self.interval > 0:
            raise ValueError("interval must be positive")
        if not self.grace >= 0:
            raise ValueError("grace must not be negative")
        if not 0 < self.min_interval <= self.interval:
            raise ValueError("min_interval must be positive and at most the interval")
        if not self.max_session > 0:
            raise ValueError("max_session must be positive")

    @property
    def cap(self) -> float:
        """The most one gap between two events can be worth."""
        return self.interval + self.grace


DEFAULTS = Settings()


@dataclass(frozen=True)
class Event:
    """One event of a reading session as the page sent it.

    ``client_at`` is the phone's clock: accepted (the page sends it), never used.
    """

    kind: str
    seq: int
    client_at: datetime | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown event kind {self.kind!r}")
        if isinstance(self.seq, bool) or not isinstance(self.seq, int) or self.seq < 0:
            raise ValueError("seq must be an integer >= 0")


@dataclass(frozen=True)
class ReadingState:
    """What the server keeps of one reading session between events (``ReadingState()``: not
    started yet).

    ``started_at``: receive time of the start; ``last_seq``: the last consumed seq (-1 before
    the start); ``clock_at``: the server time up to which the session has been accounted;
    ``paused``: the page is hidden; ``total``: seconds credited so far; ``beats``: beats
    counted; ``finished``: the session is closed.
    """

    started_at: datetime | None = None
    last_seq: int = -1
    clock_at: datetime | None = None
    paused: bool = False
    total: float = 0.0
    beats: int = 0
    finished: bool = False

    @property
    def started(self) -> bool:
        return self.started_at is not None


class Credit(NamedTuple):
    """What one event did: the session's new state, the seconds it credited, the verdict and
    the person's new ``busy_until`` (rule 9; ``None`` if it was not given and nothing was
    credited)."""

    state: ReadingState
    seconds: float
    verdict: str
    busy_until: datetime | None = None


def credit(
    state: ReadingState,
    event: Event,
    received_at: datetime,
    settings: Settings = DEFAULTS,
    *,
    busy_until: datetime | None = None,
) -> Credit:
    """Account one event of a session received by the server at ``received_at`` (rules in
    the module docstring). ``busy_until``: the person's, for sessions that may overlap."""
    if state.finished:
        return Credit(state, 0.0, AFTER_FINISH, busy_until)
    if not state.started:
        if event.kind != START:
            return Credit(state, 0.0, NOT_STARTED, busy_until)
        started = ReadingState(started_at=received_at, last_seq=event.seq, clock_at=received_at)
        return Credit(started, 0.0, STARTED, busy_until)
    if event.seq <= state.last_seq:
        return Credit(state, 0.0, REPLAY, busy_until)
    state = replace(state, last_seq=event.seq)
    clock = max(state.clock_at, received_at)  # the clock never moves back

    if event.kind == START:
        return Credit(state, 0.0, ALREADY_STARTED, busy_until)
    if event.kind == RESUME:
        return Credit(replace(state, paused=False, clock_at=clock), 0.0, RESUMED, busy_until)
    if state.paused:
        if event.kind == BEAT:
            return Credit(state, 0.0, WHILE_PAUSED, busy_until)
        if event.kind == PAUSE:
            return Credit(state, 0.0, PAUSED, busy_until)
        return Credit(replace(state, finished=True), 0.0, FINISHED, busy_until)

    if event.kind == BEAT and _seconds(received_at - state.clock_at) < settings.min_interval:
        return Credit(state, 0.0, TOO_FAST, busy_until)
    seconds, total = _account(state, received_at, settings, busy_until)
    state = replace(
        state,
        clock_at=clock,
        total=total,
        beats=state.beats + int(event.kind == BEAT),
        paused=event.kind == PAUSE,
        finished=event.kind == FINISH,
    )
    if seconds > 0:
        busy_until = received_at if busy_until is None else max(busy_until, received_at)
    verdict = {BEAT: COUNTED, PAUSE: PAUSED, FINISH: FINISHED}[event.kind]
    return Credit(state, seconds, verdict, busy_until)


def _account(
    state: ReadingState, at: datetime, settings: Settings, busy_until: datetime | None
) -> tuple[float, float]:
    """(seconds credited, new total) for the gap from the clock to ``at``: its last ``cap``
    seconds, after ``busy_until``, within the real time since the start and ``max_session``."""
    begin = max(state.clock_at, at - timedelta(seconds=settings.cap))
    if busy_until is not None:
        begin = max(begin, busy_until)
    stretch = _seconds(at - begin)
    if stretch <= 0:
        return 0.0, state.total
    bound = min(_seconds(at - state.started_at), settings.max_session)
    seconds = min(stretch, bound - state.total)
    if seconds <= 0:
        return 0.0, state.total
    return seconds, min(state.total + seconds, bound)  # min: the sum may round up


def _seconds(delta: timedelta) -> float:
    return delta.total_seconds()


def tally(
    events: Iterable[tuple[Event, datetime]],
    settings: Settings = DEFAULTS,
    state: ReadingState | None = None,
) -> ReadingState:
    """The state after ``events`` (pairs of event and receive time, in the order received),
    from ``state`` or from the beginning: recomputes a session from its logged events."""
    state = state or ReadingState()
    for event, received_at in events:
        state = credit(state, event, received_at, settings).state
    return state


def studied(total_seconds: float, min_dwell_seconds: float) -> bool:
    """Whether a material read for ``total_seconds`` (counted) has been studied."""
    return total_seconds + EPSILON >= min_dwell_seconds
