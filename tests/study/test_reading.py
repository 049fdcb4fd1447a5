"""Reading-time accounting from the page's heartbeats (server/study/reading.py).

Plain tests walk through the cases one by one — normal reading, pause and background, resume,
long gaps, clock skew, replays, out-of-order and too-fast beats, finish, the per-session cap,
overlapping sessions of one person, the minimum dwell time. Hypothesis then plays arbitrary
event scripts and checks the invariants: credits are never negative, a session's total never
exceeds the real time since its start nor ``max_session``, the credited stretches never
overlap (within a session, and across a person's sessions with ``busy_until``), the phone's
clock changes nothing and replayed events add nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.study import reading as R

T0 = datetime(2030, 5, 1, 9, 0, 0)  # naive UTC, as db_types.utcnow()
CAP = R.DEFAULTS.cap  # 20 s


@pytest.fixture(autouse=True)
def _clean():
    """These tests are pure: no app and no database to empty (overrides tests/conftest.py)."""


SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class Page:
    """One reading session as the page drives it: numbers its events 0, 1, 2 … unless told."""

    def __init__(self, settings: R.Settings = R.DEFAULTS):
        self.settings = settings
        self.state = R.ReadingState()
        self.next_seq = 0

    def send(self, kind, t, *, seq=None, client_at=None, busy_until=None) -> R.Credit:
        if seq is None:
            seq = self.next_seq
        self.next_seq = max(self.next_seq, seq + 1)
        result = R.credit(
            self.state,
            R.Event(kind, seq, client_at),
            at(t),
            self.settings,
            busy_until=busy_until,
        )
        self.state = result.state
        return result


def reading(beats: int, every: float = 15.0, page: Page | None = None) -> Page:
    """A page started at 0 that beats ``beats`` times, ``every`` seconds apart."""
    page = page or Page()
    assert page.send(R.START, 0).verdict == R.STARTED
    for k in range(1, beats + 1):
        page.send(R.BEAT, k * every)
    return page


# --------------------------------------------------------------------------------------------
# Normal reading
# --------------------------------------------------------------------------------------------
def test_start_starts_the_clock_and_credits_nothing():
    page = Page()
    result = page.send(R.START, 0)
    assert result == R.Credit(
        R.ReadingState(started_at=at(0), last_seq=0, clock_at=at(0)), 0.0, R.STARTED, None
    )
    assert page.state.started and not page.state.paused and not page.state.finished


@pytest.mark.parametrize("n", [1, 4, 40])
def test_n_beats_count_n_intervals(n):
    page = Page()
    page.send(R.START, 0)
    for k in range(1, n + 1):
        assert page.send(R.BEAT, 15 * k)[1:3] == (15.0, R.COUNTED)
    assert page.state.total == 15 * n
    assert page.state.beats == n
    result = page.send(R.FINISH, 15 * n + 6)
    assert (result.seconds, result.verdict) == (6.0, R.FINISHED)
    assert page.state.total == 15 * n + 6 and page.state.finished


def test_jittery_beats_count_in_full():
    page = Page()
    page.send(R.START, 0)
    times = [14, 31, 44, 62.5, 75]
    credits = [page.send(R.BEAT, t).seconds for t in times]
    assert credits == [14, 17, 13, 18.5, 12.5]
    assert page.state.total == 75


# --------------------------------------------------------------------------------------------
# Pause, background, resume
# --------------------------------------------------------------------------------------------
def test_pause_counts_up_to_it_and_hidden_time_does_not_count():
    page = reading(2)  # 30 s
    assert page.send(R.PAUSE, 34)[1:3] == (4.0, R.PAUSED)
    assert page.state.paused
    assert page.send(R.RESUME, 334)[1:3] == (0.0, R.RESUMED)  # five minutes hidden
    assert not page.state.paused and page.state.clock_at == at(334)
    assert page.send(R.BEAT, 349)[1:3] == (15.0, R.COUNTED)
    assert page.state.total == 49


def test_beats_from_a_background_timer_count_nothing():
    """Hidden page whose timer still fires: beats while paused neither count nor restart the
    clock; a second pause does nothing; a finish while paused adds nothing."""
    page = reading(1)
    assert page.send(R.PAUSE, 20).seconds == 5
    for t in range(35, 300, 15):
        assert page.send(R.BEAT, t)[1:3] == (0.0, R.WHILE_PAUSED)
    assert page.state.paused and page.state.clock_at == at(20)
    assert page.send(R.PAUSE, 301)[1:3] == (0.0, R.PAUSED)
    assert page.send(R.FINISH, 400)[1:3] == (0.0, R.FINISHED)
    assert page.state.total == 20 and page.state.beats == 1


def test_resume_restarts_the_clock_from_its_receive_time():
    page = reading(1)
    page.send(R.PAUSE, 16)
    page.send(R.RESUME, 100)
    assert page.send(R.BEAT, 105)[1:3] == (0.0, R.TOO_FAST)  # 5 s after the resume
    assert page.send(R.BEAT, 115)[1:3] == (15.0, R.COUNTED)
    assert page.state.total == 31


def test_resume_without_its_pause_drops_the_hidden_time():
    """The pause was lost: the resume says the page was hidden, so its gap counts nothing."""
    page = reading(1)
    assert page.send(R.RESUME, 200)[1:3] == (0.0, R.RESUMED)
    assert page.send(R.BEAT, 215).seconds == 15
    assert page.state.total == 30


def test_pause_and_finish_are_never_too_fast():
    page = reading(1)
    assert page.send(R.PAUSE, 17).seconds == 2
    page.send(R.RESUME, 30)
    assert page.send(R.FINISH, 31).seconds == 1
    assert page.state.total == 18


# --------------------------------------------------------------------------------------------
# Long gaps and lost events
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("gap", [21, 60, 3600, 86400])
def test_a_long_gap_counts_one_interval_plus_grace(gap):
    page = reading(1)
    assert page.send(R.BEAT, 15 + gap)[1:3] == (CAP, R.COUNTED)
    assert page.state.total == 15 + CAP


@pytest.mark.parametrize("gap", [7.5, 15, 19.5, 20])
def test_a_gap_up_to_the_cap_counts_in_full(gap):
    page = reading(1)
    assert page.send(R.BEAT, 15 + gap).seconds == gap


def test_long_gaps_before_a_pause_or_a_finish_are_capped_too():
    page = reading(1)
    assert page.send(R.PAUSE, 1000).seconds == CAP
    page.send(R.RESUME, 4990)
    assert page.send(R.FINISH, 9000).seconds == CAP
    assert page.state.total == 15 + 2 * CAP


def test_missing_seqs_are_accepted_but_worth_at_most_one_interval():
    page = Page()
    page.send(R.START, 0)
    assert page.send(R.BEAT, 15, seq=1).seconds == 15
    assert page.send(R.BEAT, 30, seq=5)[1:3] == (15.0, R.COUNTED)  # 2-4 lost, time was 15 s
    assert page.send(R.BEAT, 600, seq=9).seconds == CAP  # lost beats do not add up
    assert page.send(R.BEAT, 615, seq=6)[1:3] == (0.0, R.REPLAY)  # a lost one turning up
    assert page.state.last_seq == 9 and page.state.total == 30 + CAP


# --------------------------------------------------------------------------------------------
# Clock skew: the phone's clock changes nothing
# --------------------------------------------------------------------------------------------
SCRIPT = [
    (R.START, 0),
    (R.BEAT, 15),
    (R.BEAT, 20),
    (R.BEAT, 31),
    (R.PAUSE, 40),
    (R.BEAT, 55),
    (R.RESUME, 300),
    (R.BEAT, 316),
    (R.BEAT, 2000),
    (R.FINISH, 2010),
]


def _play(script, client_at=lambda i, t: None):
    page = Page()
    return [page.send(kind, t, client_at=client_at(i, t)) for i, (kind, t) in enumerate(script)]


@pytest.mark.parametrize(
    "client_at",
    [
        lambda i, t: at(t) + timedelta(days=3650),  # ten years fast
        lambda i, t: at(t) - timedelta(days=3650),  # ten years slow
        lambda i, t: at(t) + timedelta(hours=8),  # local time sent as UTC
        lambda i, t: at(0) + timedelta(hours=i),  # claims an hour between beats
        lambda i, t: at(0) - timedelta(seconds=i),  # runs backwards
        lambda i, t: datetime(1970, 1, 1),  # reset
    ],
    ids=["fast", "slow", "timezone", "claims-hours", "backwards", "epoch"],
)
def test_client_clock_skew_changes_nothing(client_at):
    honest = _play(SCRIPT)
    skewed = _play(SCRIPT, client_at)
    assert [c[1:3] for c in skewed] == [c[1:3] for c in honest]
    assert skewed[-1].state.total == honest[-1].state.total == 15 + 16 + 9 + 16 + CAP + 10


# --------------------------------------------------------------------------------------------
# Replays, duplicates, out of order
# --------------------------------------------------------------------------------------------
def test_a_duplicate_seq_is_ignored():
    page = reading(1)
    before = page.state
    result = page.send(R.BEAT, 30, seq=1)
    assert result == R.Credit(before, 0.0, R.REPLAY, None)
    assert page.send(R.BEAT, 30, seq=2).seconds == 15  # the replay did not move the clock
    assert page.send(R.START, 40, seq=0).verdict == R.REPLAY


def test_replaying_a_whole_session_adds_nothing():
    page = Page()
    log = [(R.START, 0), (R.BEAT, 15), (R.BEAT, 30), (R.PAUSE, 33), (R.RESUME, 60)]
    for kind, t in log:
        page.send(kind, t)
    before = page.state
    for seq, (kind, t) in enumerate(log):
        assert page.send(kind, 100 + t, seq=seq)[1:3] == (0.0, R.REPLAY)
    assert page.state == before
    page.send(R.FINISH, 70)
    finished = page.state
    for seq, (kind, t) in enumerate([*log, (R.FINISH, 70)]):
        assert page.send(kind, 200 + t, seq=seq)[1:3] == (0.0, R.AFTER_FINISH)
    assert page.state == finished and finished.total == 33 + 10


def test_an_event_out_of_order_is_ignored():
    page = Page()
    page.send(R.START, 0)
    assert page.send(R.BEAT, 15, seq=2).seconds == 15
    assert page.send(R.BEAT, 16, seq=1)[1:3] == (0.0, R.REPLAY)
    assert page.send(R.BEAT, 30, seq=3).seconds == 15
    assert page.state.total == 30


def test_events_before_the_start_are_dropped():
    page = Page()
    result = page.send(R.BEAT, 0, seq=1)
    assert result == R.Credit(R.ReadingState(), 0.0, R.NOT_STARTED, None)
    assert page.send(R.START, 2, seq=0).verdict == R.STARTED
    assert page.send(R.BEAT, 17, seq=1)[1:3] == (15.0, R.COUNTED)  # the copy was not consumed


def test_a_second_start_is_ignored():
    page = reading(1)
    assert page.send(R.START, 20)[1:3] == (0.0, R.ALREADY_STARTED)
    assert page.state.started_at == at(0) and page.state.clock_at == at(15)
    assert page.send(R.BEAT, 30).seconds == 15


# --------------------------------------------------------------------------------------------
# Too fast
# --------------------------------------------------------------------------------------------
def test_a_too_fast_beat_credits_nothing_and_leaves_the_clock():
    page = Page()
    page.send(R.START, 0)
    assert page.send(R.BEAT, 5)[1:3] == (0.0, R.TOO_FAST)
    assert page.state.clock_at == at(0) and page.state.last_seq == 1
    assert page.send(R.BEAT, 10)[1:3] == (10.0, R.COUNTED)  # the whole gap from 0
    assert page.send(R.BEAT, 12).verdict == R.TOO_FAST


@pytest.mark.parametrize("every_ms", [10, 500, 1000, 3000, 7400])
def test_a_flood_of_beats_never_beats_real_time(every_ms):
    page = Page()
    page.send(R.START, 0)
    for ms in range(every_ms, 600_001, every_ms):
        page.send(R.BEAT, ms / 1000)
        assert page.state.total <= (at(ms / 1000) - T0).total_seconds()
    assert page.state.total <= 600
    assert page.state.total >= 600 - R.DEFAULTS.min_interval - every_ms / 1000
    assert page.state.beats <= 600 / R.DEFAULTS.min_interval


def test_a_flood_of_pauses_and_resumes_never_beats_real_time():
    page = Page()
    page.send(R.START, 0)
    for k in range(1, 400):
        page.send(R.PAUSE if k % 2 else R.RESUME, k * 0.25)
        assert page.state.total <= k * 0.25
    assert page.state.total <= 100


def test_a_server_clock_going_back_credits_nothing():
    """Two servers whose clocks differ, or requests handled out of order."""
    page = reading(1)
    assert page.send(R.BEAT, 10)[1:3] == (0.0, R.TOO_FAST)
    assert page.send(R.PAUSE, 12)[1:3] == (0.0, R.PAUSED)
    page.send(R.RESUME, 11)
    assert page.state.clock_at == at(15)  # never moves back
    assert page.send(R.BEAT, 30).seconds == 15
    assert page.state.total == 30


# --------------------------------------------------------------------------------------------
# Finish and the cap per session
# --------------------------------------------------------------------------------------------
def test_nothing_counts_after_the_finish():
    page = reading(1)
    assert page.send(R.FINISH, 20)[1:3] == (5.0, R.FINISHED)
    finished = page.state
    for kind, t in [(R.BEAT, 35), (R.RESUME, 40), (R.BEAT, 55), (R.PAUSE, 60), (R.FINISH, 70)]:
        assert page.send(kind, t)[1:3] == (0.0, R.AFTER_FINISH)
    assert page.state == finished and finished.total == 20


def test_a_finish_while_paused_adds_nothing():
    page = reading(1)
    page.send(R.PAUSE, 15.5)
    assert page.send(R.FINISH, 500)[1:3] == (0.0, R.FINISHED)
    assert page.state.total == 15.5 and page.state.finished


def test_a_session_is_credited_at_most_max_session():
    page = reading(40, page=Page(R.Settings(max_session=60)))
    assert page.state.total == 60
    assert page.send(R.BEAT, 615)[1:3] == (0.0, R.COUNTED)
    long = reading(10 * 3600 // 15)  # ten hours with the defaults
    assert long.state.total == 7200


def test_max_session_cuts_a_gap_short():
    page = reading(3, page=Page(R.Settings(max_session=50)))
    assert page.state.total == 45
    assert page.send(R.BEAT, 60).seconds == 5


# --------------------------------------------------------------------------------------------
# Overlapping sessions of one person
# --------------------------------------------------------------------------------------------
def _interleave(a: Page, b: Page, script, busy=True):
    """Play (page, kind, t) with one busy_until for the person; the credits per page."""
    busy_until, got = None, {id(a): 0.0, id(b): 0.0}
    for page, kind, t in script:
        result = page.send(kind, t, busy_until=busy_until if busy else None)
        if busy:
            busy_until = result.busy_until
        got[id(page)] += result.seconds
    return got[id(a)], got[id(b)]


def test_two_sessions_at_once_are_credited_once():
    a, b = Page(), Page()
    script = [(a, R.START, 0), (b, R.START, 5)]
    for k in range(1, 5):
        script += [(a, R.BEAT, 15 * k), (b, R.BEAT, 15 * k + 5)]
    got_a, got_b = _interleave(a, b, script)
    assert (got_a, got_b) == (45.0, 20.0)  # A: 15 + 3 × 10, B: 4 × 5
    assert got_a + got_b == 65  # the wall-clock time from 0 to 65, once
    assert a.state.total + b.state.total == 65


def test_without_busy_until_sessions_are_independent():
    a, b = Page(), Page()
    script = [(a, R.START, 0), (b, R.START, 5)]
    for k in range(1, 5):
        script += [(a, R.BEAT, 15 * k), (b, R.BEAT, 15 * k + 5)]
    assert _interleave(a, b, script, busy=False) == (60.0, 60.0)


def test_sessions_one_after_another_both_count_in_full():
    a, b = Page(), Page()
    script = [(a, R.START, 0), *[(a, R.BEAT, 15 * k) for k in range(1, 5)], (a, R.FINISH, 65)]
    script += [(b, R.START, 100), *[(b, R.BEAT, 100 + 15 * k) for k in range(1, 5)]]
    assert _interleave(a, b, script) == (65.0, 60.0)


def test_a_paused_session_does_not_hold_the_other_back():
    a, b = Page(), Page()
    script = [(a, R.START, 0), (a, R.BEAT, 15), (a, R.PAUSE, 16), (b, R.START, 16)]
    script += [(b, R.BEAT, 16 + 15 * k) for k in range(1, 5)]
    script += [(a, R.BEAT, 80), (a, R.RESUME, 90), (a, R.BEAT, 105)]
    got_a, got_b = _interleave(a, b, script)
    assert got_b == 60
    assert got_a == 16 + 15  # after the resume at 90, A's 15 s follow B's last beat at 76


def test_busy_until_moves_only_when_something_is_credited():
    page = Page()
    assert page.send(R.START, 0, busy_until=None).busy_until is None
    assert page.send(R.BEAT, 3, busy_until=None).busy_until is None  # too fast
    assert page.send(R.BEAT, 15, busy_until=None).busy_until == at(15)
    # another session already has the person up to 40: this beat's gap is all taken
    result = page.send(R.BEAT, 30, busy_until=at(40))
    assert (result.seconds, result.verdict, result.busy_until) == (0.0, R.COUNTED, at(40))
    assert page.state.clock_at == at(30)
    result = page.send(R.BEAT, 45, busy_until=at(40))
    assert (result.seconds, result.busy_until) == (5.0, at(45))


# --------------------------------------------------------------------------------------------
# Studied, settings, events, tally
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("total", "dwell", "expected"),
    [(59.9, 60, False), (60, 60, True), (61, 60, True), (59.9999995, 60, True), (0, 0, True)],
)
def test_studied_after_the_minimum_dwell_time(total, dwell, expected):
    assert R.studied(total, dwell) is expected


def test_a_material_is_studied_after_enough_counted_reading():
    page = reading(3)
    assert not R.studied(page.state.total, 60)
    page.send(R.BEAT, 60)
    assert R.studied(page.state.total, 60)


def test_settings_defaults_and_validation():
    s = R.Settings()
    assert (s.interval, s.grace, s.min_interval, s.max_session, s.cap) == (15, 5, 7.5, 7200, 20)
    assert R.Settings(interval=30).min_interval == 15
    assert R.Settings(interval=30, min_interval=10).min_interval == 10
    for bad in [
        {"interval": 0},
        {"grace": -1},
        {"min_interval": 0},
        {"min_interval": 16},
        {"max_session": 0},
    ]:
        with pytest.raises(ValueError):
            R.Settings(**bad)


@pytest.mark.parametrize(("kind", "seq"), [("skip", 1), (R.BEAT, -1), (R.BEAT, True)])
def test_events_are_checked(kind, seq):
    with pytest.raises(ValueError):
        R.Event(kind, seq)


def test_tally_replays_a_log():
    page = Page()
    log = []
    for kind, t in SCRIPT:
        log.append((R.Event(kind, page.next_seq), at(t)))
        page.send(kind, t)
    assert R.tally(log) == page.state
    half = R.tally(log[:4])
    assert R.tally(log[4:], state=half) == page.state


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------
settings_ = st.builds(
    R.Settings,
    interval=st.sampled_from([5.0, 10.0, 15.0, 30.0, 60.0]),
    grace=st.sampled_from([0.0, 2.5, 5.0, 10.0]),
    max_session=st.sampled_from([30.0, 300.0, 7200.0]),
)
kinds = st.sampled_from([R.BEAT] * 6 + [R.PAUSE, R.RESUME, R.FINISH, R.START])
# milliseconds between receive times: floods, normal beats, long gaps
gaps = st.one_of(st.integers(0, 2_000), st.integers(5_000, 25_000), st.integers(0, 3_600_000))
seq_steps = st.one_of(st.just(1), st.integers(-3, 6))
skews = st.one_of(
    st.none(), st.integers(-(10**9), 10**9).map(lambda s: at(0) + timedelta(seconds=s))
)


@st.composite
def scripts(draw, monotone=True):
    """[(event, receive time)], mostly opening with a start, seqs mostly in order."""
    events, seq, ms = [], draw(st.integers(0, 2)), 0
    if draw(st.booleans()) or draw(st.booleans()):
        events.append((R.Event(R.START, seq, draw(skews)), at(0)))
    for _ in range(draw(st.integers(0, 60))):
        seq = max(0, seq + draw(seq_steps))
        step = draw(gaps)
        ms = ms + step if monotone or draw(st.integers(0, 4)) else ms - step
        events.append((R.Event(draw(kinds), seq, draw(skews)), at(ms / 1000)))
    return events


def _stretches(credits):
    """The credited stretches [t - s, t] of (receive time, seconds), by end."""
    return sorted((t - timedelta(seconds=s), t) for t, s in credits if s > 0)


def _disjoint(stretches):
    tolerance = timedelta(microseconds=1)
    return all(b[0] >= a[1] - tolerance for a, b in pairwise(stretches))


@SETTINGS
@given(settings_, scripts())
def test_never_more_than_real_time_nor_max_session(config, script):
    state, credited, accounted = R.ReadingState(), [], 0
    for event, received_at in script:
        before = state
        state, seconds, verdict, _ = R.credit(state, event, received_at, config)
        assert verdict in R.VERDICTS
        assert 0 <= seconds <= config.cap
        assert state.total == pytest.approx(before.total + seconds, abs=1e-9)
        if state.started:
            assert state.total <= (received_at - state.started_at).total_seconds()
            assert before.clock_at is None or state.clock_at >= before.clock_at
        assert state.total <= config.max_session
        if verdict in (R.REPLAY, R.NOT_STARTED, R.AFTER_FINISH):
            assert state == before
        if verdict in (R.COUNTED, R.PAUSED, R.FINISHED):
            accounted += 1
        credited.append((received_at, seconds))
    assert state.total <= accounted * config.cap + 1e-9
    assert _disjoint(_stretches(credited))


@SETTINGS
@given(settings_, scripts(monotone=False))
def test_a_server_clock_going_back_and_forth_never_adds_time(config, script):
    state, latest, credited = R.ReadingState(), None, []
    for event, received_at in script:
        state, seconds, _, _ = R.credit(state, event, received_at, config)
        assert seconds >= 0
        latest = received_at if latest is None else max(latest, received_at)
        if state.started:
            assert state.total <= (latest - state.started_at).total_seconds()
        credited.append((received_at, seconds))
    assert _disjoint(_stretches(credited))


@SETTINGS
@given(settings_, scripts())
def test_the_phone_clock_changes_nothing(config, script):
    a, b = R.ReadingState(), R.ReadingState()
    for skewed, t in script:
        plain = R.Event(skewed.kind, skewed.seq)
        ra, rb = R.credit(a, skewed, t, config), R.credit(b, plain, t, config)
        assert ra[1:] == rb[1:]
        a, b = ra.state, rb.state
        assert a == b


@SETTINGS
@given(settings_, scripts(), st.data())
def test_replayed_events_add_nothing(config, script, data):
    """Copies of accepted events re-sent later (same seq) leave the outcome as it was."""
    state, accepted = R.ReadingState(), []
    for n, (event, received_at) in enumerate(script):
        state, _, verdict, _ = R.credit(state, event, received_at, config)
        if verdict not in (R.REPLAY, R.NOT_STARTED, R.AFTER_FINISH):
            accepted.append(n)
    with_copies = [(n, event, t) for n, (event, t) in enumerate(script)]
    for _ in range(data.draw(st.integers(0, 10))) if accepted else ():
        original = data.draw(st.sampled_from(accepted))
        position = [row[0] for row in with_copies].index(original) + 1
        where = data.draw(st.integers(position, len(with_copies)))
        receive = with_copies[where - 1][2]  # at the time of the event before it
        event = script[original][0]
        with_copies.insert(where, (None, R.Event(event.kind, event.seq), receive))
    copied = R.tally(((event, t) for _, event, t in with_copies), config)
    assert copied == state


@SETTINGS
@given(settings_, st.lists(scripts(), min_size=2, max_size=3), st.data())
def test_a_persons_sessions_never_overlap(config, sessions, data):
    """Interleave a person's sessions in receive order with one busy_until: the credited
    stretches of all of them are disjoint, so their sum is at most the wall-clock time."""
    offsets = [data.draw(st.integers(0, 120_000)) for _ in sessions]
    merged = sorted(
        (received_at + timedelta(milliseconds=offset), i, n, event)
        for i, (script, offset) in enumerate(zip(sessions, offsets, strict=True))
        for n, (event, received_at) in enumerate(script)
    )
    states = [R.ReadingState() for _ in sessions]
    busy_until, credited = None, []
    for received_at, i, _, event in merged:
        result = R.credit(states[i], event, received_at, config, busy_until=busy_until)
        assert result.seconds >= 0
        assert busy_until is None or result.busy_until >= busy_until
        states[i], busy_until = result.state, result.busy_until
        credited.append((received_at, result.seconds))
    assert _disjoint(_stretches(credited))
    if merged:
        wall = (merged[-1][0] - merged[0][0]).total_seconds()
        assert sum(s.total for s in states) <= wall + 1e-6
