from flask import current_app
from flask_smorest import Blueprint

from ..audit.services import record
from ..auth.principal import allow, current
from ..auth.views import ANY_ROLE
from ..db_types import utcnow
from ..errors import ApiError
from ..extensions import db, limiter, wechat
from ..orgs import services as org_services
from ..schemas import PageArgs, page_result
from . import services
from .followers import record_grants
from .schemas import (
    DeliveryArgs,
    DeliveryPageSchema,
    GrantReportSchema,
    GrantResultSchema,
    InboxArgs,
    InboxItemSchema,
    InboxPageSchema,
    NoticeCreateSchema,
    NotificationPageSchema,
    NotificationSchema,
    OutboxArgs,
    OutboxSchema,
    PreferenceListSchema,
    PreferencePatchSchema,
    ReadAllSchema,
    SubscribeTemplateListSchema,
)

blp = Blueprint("notify", __name__, url_prefix="/api/v1", description="消息、提醒与推送")

OUTBOX_ROLES = ("system_admin", "committee_admin")


def _person_id() -> int:
    person = current().person
    if person is None:
        raise ApiError(403, "no_member", "该账号未关联党员档案，没有个人消息")
    return person.id


# -- the member's inbox ----------------------------------------------------------------------


@blp.route("/inbox", methods=["GET"])
@allow(*ANY_ROLE)
@blp.arguments(InboxArgs, location="query")
@blp.response(200, InboxPageSchema)
def list_inbox(args):
    """My messages, newest first, with the unread total."""
    person_id = _person_id()
    result = page_result(services.inbox(person_id, args["unread"], args["page"], args["per_page"]))
    result["unread"] = services.unread_count(person_id)
    return result


@blp.route("/inbox/<int(max=2147483647):item_id>/read", methods=["POST"])
@allow(*ANY_ROLE)
@blp.response(200, InboxItemSchema)
def read_item(item_id):
    return services.mark_read(_person_id(), item_id)


@blp.route("/inbox/read-all", methods=["POST"])
@allow(*ANY_ROLE)
@blp.response(200, ReadAllSchema)
def read_all():
    return {"updated": services.mark_all_read(_person_id())}


# -- what reaches me -------------------------------------------------------------------------


@blp.route("/notifications/preferences", methods=["GET"])
@allow(*ANY_ROLE)
@blp.response(200, PreferenceListSchema)
def get_preferences():
    """Kinds of reminder and whether WeChat pushes of each are on (the inbox gets all)."""
    return {"items": services.preferences(_person_id())}


@blp.route("/notifications/preferences", methods=["PATCH"])
@allow(*ANY_ROLE)
@blp.arguments(PreferencePatchSchema)
@blp.response(200, PreferenceListSchema)
def patch_preferences(data):
    return {"items": services.set_preferences(_person_id(), data["preferences"])}


@blp.route("/notifications/subscribe-templates", methods=["GET"])
@allow(*ANY_ROLE)
@blp.response(200, SubscribeTemplateListSchema)
def subscribe_templates():
    """Subscribe-message template ids, for ``wx.requestSubscribeMessage``."""
    return {
        "items": [
            {"kind": s.name, "label": s.label, "template_id": s.subscribe.template_id}
            for s in services.kinds().values()
            if s.subscribe is not None
        ]
    }


@blp.route("/notifications/subscribe-grants", methods=["POST"])
@allow(*ANY_ROLE)
@blp.arguments(GrantReportSchema)
@blp.response(200, GrantResultSchema)
def report_grants(data):
    """Report what the member accepted in ``wx.requestSubscribeMessage``: one message each."""
    known = {s.subscribe.template_id for s in services.kinds().values() if s.subscribe}
    return {"granted": record_grants(_person_id(), data["results"], known)}


# -- the sender's side -----------------------------------------------------------------------


@blp.route("/notifications", methods=["GET"])
@allow(*services.REPORT_ROLES)
@blp.arguments(PageArgs, location="query")
@blp.response(200, NotificationPageSchema)
def list_sent(args):
    """Notifications I sent or that went to orgs I manage, with delivery counts."""
    pagination = db.paginate(
        services.visible_notifications(current()),
        page=args["page"],
        per_page=args["per_page"],
        error_out=False,
    )
    result = page_result(pagination)
    services.attach_counts(result["items"])
    return result


@blp.route("/notifications", methods=["POST"])
@allow(*services.REPORT_ROLES)
@blp.arguments(NoticeCreateSchema)
@blp.response(201, NotificationSchema)
def send_notice(data):
    """Send a notice to every active member of an org (and its sub-orgs), now or later."""
    principal = current()
    org = org_services.get_visible(data["org_id"], principal, services.REPORT_ROLES)
    per_hour = current_app.config["NOTIFICATIONS"]["notices_per_hour"]
    sender_key = f"a{principal.account.id}" if principal.account else f"p{principal.person.id}"
    if not limiter.hit(per_hour, 60, "notice", sender_key):
        raise ApiError(429, "too_many_notices", "发送通知过于频繁，请稍后再试")
    recipients = services.recipients_of_org(org.path)
    if not recipients:
        raise ApiError(422, "no_recipients", "该组织下没有可接收通知的人员")
    notification = services.notify(
        "branch_notice",
        recipients,
        {
            "title": data["title"],
            "content": data["content"],
            "org_name": org.name,
            "sent_at": data["at"] or utcnow(),
        },
        at=data["at"],
        org_id=org.id,
        sender=principal,
    )
    record(
        "notification.send",
        "notification",
        notification.id,
        org.id,
        {"kind": "branch_notice", "recipients": len(recipients), "title": data["title"]},
    )
    return services.attach_counts([notification])[0]


@blp.route("/notifications/<int(max=2147483647):notification_id>", methods=["GET"])
@allow(*services.REPORT_ROLES)
@blp.response(200, NotificationSchema)
def get_notification(notification_id):
    """One notification with its delivery report counts."""
    return services.attach_counts([services.get_visible(current(), notification_id)])[0]


@blp.route("/notifications/<int(max=2147483647):notification_id>", methods=["DELETE"])
@allow(*services.REPORT_ROLES)
@blp.response(200, NotificationSchema)
def cancel_notification(notification_id):
    """Cancel a notification that has not gone out yet."""
    notification = services.get_visible(current(), notification_id)
    if not services.cancel_scheduled(notification):
        raise ApiError(409, "already_sent", "通知已发出，不能撤销")
    record("notification.cancel", "notification", notification.id, notification.org_id)
    return services.attach_counts([notification])[0]


@blp.route("/notifications/<int(max=2147483647):notification_id>/deliveries", methods=["GET"])
@allow(*services.REPORT_ROLES)
@blp.arguments(DeliveryArgs, location="query")
@blp.response(200, DeliveryPageSchema)
def list_deliveries(args, notification_id):
    """Who got it how: per recipient channel, state and the reason when not reached."""
    notification = services.get_visible(current(), notification_id)
    return page_result(
        services.report_deliveries(notification.id, args["state"], args["page"], args["per_page"])
    )


# -- the sandbox outbox ----------------------------------------------------------------------


@blp.route("/wechat/outbox", methods=["GET"])
@allow(*OUTBOX_ROLES)
@blp.arguments(OutboxArgs, location="query")
@blp.response(200, OutboxSchema)
def outbox(args):
    """Sandbox only: the WeChat messages that would have been sent, newest first."""
    if not current_app.config["WECHAT"]["sandbox"]:
        raise ApiError(404, "not_sandbox", "仅沙箱模式有发件箱")
    return {"items": wechat.outbox(args["limit"])}
