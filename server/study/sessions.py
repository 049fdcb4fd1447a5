"""Reading sessions: the mini-program's heartbeats, accounted by ``reading.credit``.

Every event of a member locks their ``study_readers`` row first (created by an upsert that
takes the lock at once), so one member's events are accounted one at a time, across all their
sessions: their ``busy_until`` makes two sessions at once count the same minutes once, and
two copies of one heartbeat arriving together count once (the second is a replay). The
session row is then read with a locking read, which sees what the previous event committed.

Receive times are whole seconds (what DATETIME keeps), so the stored clock and the next
receive time are comparable. Counted time goes to the member's progress on the material
(studied at its minimum dwell time) and earns reading points in blocks (``points.toml``).
"""

from __future__ import annotations

from sqlalchemy import select

from ..db_types import locked_row, utcnow
from ..errors import ApiError
from ..extensions import db
from ..notify.services import local_today
from . import materials, points, reading
from .models import PUBLISHED, Reader, ReadingSession, StudyMaterial, StudyProgress

SETTINGS = reading.DEFAULTS


def _now():
    return utcnow().replace(microsecond=0)


def _lock_reader(person_id: int) -> Reader:
    return locked_row(Reader, {"person_id": person_id}, {"busy_until": None})


def _state(session: ReadingSession) -> reading.ReadingState:
    return reading.ReadingState(
        started_at=session.started_at,
        last_seq=session.last_seq,
        clock_at=session.clock_at,
        paused=session.paused,
        total=session.total_seconds,
        beats=session.beats,
        finished=session.finished,
    )


def start(material_id: int, data: dict, principal) -> dict:
    """Open a reading session (the page's ``start``): the session, the beat interval and the
    member's progress on the material so far."""
    person = principal.member()
    material = materials.get_visible(material_id, principal)
    if material.status != PUBLISHED:
        raise ApiError(409, "not_published", "该材料未发布，不能学习")
    _lock_reader(person.id)
    now = _now()
    progress = _progress(person.id, material.id, now)
    began = reading.credit(
        reading.ReadingState(),
        reading.Event(reading.START, data.get("seq", 0), data.get("client_at")),
        now,
        SETTINGS,
    ).state
    session = ReadingSession(
        person_id=person.id,
        material_id=material.id,
        day=local_today(),
        started_at=began.started_at,
        clock_at=began.clock_at,
        last_seq=began.last_seq,
        progress_id=progress.id,
    )
    db.session.add(session)
    db.session.flush()
    return {
        "id": session.id,
        "material_id": material.id,
        "started_at": session.started_at,
        "interval_seconds": SETTINGS.interval,
        "min_dwell_seconds": material.min_dwell_seconds,
        "material_seconds": progress.seconds,
        "studied": progress.studied_at is not None,
    }


def event(session_id: int, data: dict, principal) -> dict:
    person = principal.member()
    reader = _lock_reader(person.id)
    session = db.session.execute(
        select(ReadingSession)
        .where(ReadingSession.id == session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if session is None or session.person_id != person.id:
        raise ApiError(404, "not_found", "阅读记录不存在")
    now = _now()
    result = reading.credit(
        _state(session),
        reading.Event(data["kind"], data["seq"], data.get("client_at")),
        now,
        SETTINGS,
        busy_until=reader.busy_until,
    )
    state = result.state
    session.clock_at = state.clock_at
    session.last_seq = state.last_seq
    session.paused = state.paused
    session.total_seconds = state.total
    session.beats = state.beats
    session.finished = state.finished
    reader.busy_until = result.busy_until
    # The progress row was made when the session started: lock it by its primary key (one
    # statement, and no gap lock: it exists); the upsert is for sessions older than that.
    progress = session.progress_id and _locked(StudyProgress, session.progress_id)
    if not progress:
        progress = _progress(person.id, session.material_id, now)
        session.progress_id = progress.id
    awarded = 0
    if result.seconds > 0:
        progress.seconds += result.seconds
        progress.last_read_at = now
        if progress.studied_at is None:  # (the session was checked when it started)
            dwell = db.session.scalar(
                select(StudyMaterial.min_dwell_seconds).where(
                    StudyMaterial.id == session.material_id
                )
            )
            if reading.studied(progress.seconds, dwell):
                progress.studied_at = now
        awarded = _award_blocks(person, session)
    db.session.flush()
    return {
        "session_id": session.id,
        "verdict": result.verdict,
        "credited_seconds": round(result.seconds, 1),
        "session_seconds": round(session.total_seconds, 1),
        "material_seconds": round(progress.seconds, 1),
        "studied": progress.studied_at is not None,
        "finished": session.finished,
        "points_awarded": awarded,
    }


def _locked(model, key):
    """The row of ``model`` with primary key ``key``, locked, as last committed; or None."""
    return db.session.get(model, key, with_for_update=True, populate_existing=True)


def _progress(person_id: int, material_id: int, now) -> StudyProgress:
    """The member's progress on the material, made if need be, locked. An upsert that takes
    the row lock, not a locking read and then an insert: the read of a missing row locks the
    index gap, and two members whose rows fall in one gap then deadlock inserting."""
    return locked_row(
        StudyProgress,
        {"person_id": person_id, "material_id": material_id},
        {"seconds": 0.0, "last_read_at": now},
    )


def _award_blocks(person, session: ReadingSession) -> int:
    """Reading points for the blocks of counted minutes this session completed just now."""
    rule = points.rules()["reading"]
    blocks = int(session.total_seconds // (rule.minutes * 60))
    if blocks <= session.blocks_awarded:
        return 0
    minutes = (blocks - session.blocks_awarded) * rule.minutes
    session.blocks_awarded = blocks
    return points.award(person, "reading", minutes, f"reading:{session.id}:{blocks}", local_today())
