"""The announcements API (公告): writing and publishing for managers, the list and detail for
everyone logged in, read receipts (docs/announcements.md). The no-login portal is
``portal.py``."""

from __future__ import annotations

from flask_smorest import Blueprint

from ..auth.principal import allow, current
from ..auth.views import ANY_ROLE
from ..schemas import PageArgs
from . import services
from .schemas import (
    AnnouncementPageSchema,
    AnnouncementSchema,
    AnnouncementUpdateSchema,
    AnnouncementWriteSchema,
    ManagedArgs,
    ManagedPageSchema,
    ReceiptArgs,
    ReceiptsSchema,
)

blp = Blueprint("announcements", __name__, url_prefix="/api/v1", description="公告与党务公开")
MANAGE = services.MANAGE_ROLES
ANNOUNCEMENT = "/announcements/<int(max=2147483647):announcement_id>"


@blp.route("/announcements", methods=["POST"])
@allow(*MANAGE)
@blp.arguments(AnnouncementWriteSchema)
@blp.response(201, AnnouncementSchema)
def create_announcement(data):
    """A draft (``publish: false``) or a published announcement; text the content check flags
    waits for review (``status: pending_review``) and is published once approved."""
    return services.view(services.create(data, current()), current())


@blp.route("/announcements", methods=["GET"])
@allow(*ANY_ROLE)
@blp.arguments(PageArgs, location="query")
@blp.response(200, AnnouncementPageSchema)
def list_announcements(args):
    """The published announcements for me (public ones included), pinned first, newest
    first, each with whether I have read it."""
    return services.listing(current(), args["page"], args["per_page"])


@blp.route("/announcements/managed", methods=["GET"])
@allow(*MANAGE)
@blp.arguments(ManagedArgs, location="query")
@blp.response(200, ManagedPageSchema)
def managed_announcements(args):
    """Every announcement of the orgs I manage, newest first, with audience size and reads."""
    return services.managed(current(), args.get("status"), args["page"], args["per_page"])


@blp.route(ANNOUNCEMENT, methods=["GET"])
@allow(*ANY_ROLE)
@blp.response(200, AnnouncementSchema)
def announcement(announcement_id):
    """One announcement; opening it records my read receipt if it is for me."""
    return services.open_for(announcement_id, current())


@blp.route(ANNOUNCEMENT, methods=["PATCH"])
@allow(*MANAGE)
@blp.arguments(AnnouncementUpdateSchema)
@blp.response(200, AnnouncementSchema)
def update_announcement(data, announcement_id):
    """Title, body, audience, pinning (not while under review). A published announcement's
    changed text is checked again."""
    found = services.get_managed(announcement_id, current())
    return services.view(services.update_content(found, data, current()), current())


@blp.route(f"{ANNOUNCEMENT}/publish", methods=["POST"])
@allow(*MANAGE)
@blp.response(200, AnnouncementSchema)
def publish_announcement(announcement_id):
    """Publish a draft, rejected or withdrawn announcement (checked first)."""
    found = services.get_managed(announcement_id, current())
    return services.view(services.publish(found, current()), current())


@blp.route(f"{ANNOUNCEMENT}/withdraw", methods=["POST"])
@allow(*MANAGE)
@blp.response(200, AnnouncementSchema)
def withdraw_announcement(announcement_id):
    found = services.get_managed(announcement_id, current())
    return services.view(services.withdraw(found, current()), current())


@blp.route(f"{ANNOUNCEMENT}/receipts", methods=["GET"])
@allow(*MANAGE)
@blp.arguments(ReceiptArgs, location="query")
@blp.response(200, ReceiptsSchema)
def announcement_receipts(args, announcement_id):
    """Who of the audience has read it (``state=read``, latest first) or not (``unread``, by
    org and name)."""
    found = services.get_managed(announcement_id, current())
    return services.receipts(found, args["state"], args["page"], args["per_page"])
