from flask_smorest import Blueprint

from ..auth.principal import PUBLIC, allow, current, derive_roles
from ..errors import ApiError
from ..people.schemas import MeSchema
from . import services
from .schemas import (
    BindResultSchema,
    BindSchema,
    PasswordLoginResultSchema,
    PasswordLoginSchema,
    WhoAmISchema,
    WxLoginResultSchema,
    WxLoginSchema,
)

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登录、微信绑定与会话")


# Any logged-in caller, whatever their role.
ANY_ROLE = (
    "member",
    "secretary",
    "committee_admin",
    "discipline_inspector",
    "system_admin",
    "auditor",
)


def _me(person, roles):
    person.roles = sorted(roles)
    return person


def _with_member(result: dict) -> dict:
    """Replace the service's ``person`` with the member view (roles from their posts)."""
    person = result.pop("person")
    result["member"] = _me(person, derive_roles(person, None))
    return result


@blp.route("/auth/wx-login", methods=["POST"])
@allow(PUBLIC)
@blp.arguments(WxLoginSchema)
@blp.response(200, WxLoginResultSchema)
def wx_login(data):
    """Exchange a ``wx.login`` code. Bound accounts get a session token; unbound ones a
    short-lived bind ticket for ``/auth/bind``."""
    result = services.wx_login(data["code"])
    return _with_member(result) if result["status"] == "bound" else result


@blp.route("/auth/bind", methods=["POST"])
@allow(PUBLIC)
@blp.arguments(BindSchema)
@blp.response(200, BindResultSchema)
def bind(data):
    """Bind this WeChat account to a member, by invite code or by staff number + name +
    last four digits of the phone on record. Attempts are rate-limited."""
    return _with_member(services.bind(data))


@blp.route("/auth/login", methods=["POST"])
@allow(PUBLIC)
@blp.arguments(PasswordLoginSchema)
@blp.response(200, PasswordLoginResultSchema)
def password_login(data):
    """Web console login; the account locks after repeated failures."""
    result = services.password_login(data["username"], data["password"])
    result["roles"] = {
        role: sorted(prefixes)
        for role, prefixes in derive_roles(result["account"].person, result["account"]).items()
    }
    return result


@blp.route("/auth/logout", methods=["POST"])
@allow(*ANY_ROLE)
@blp.response(204)
def logout():
    """Revoke the current session token."""
    services.revoke_session(current().session)


@blp.route("/auth/whoami", methods=["GET"])
@allow(*ANY_ROLE)
@blp.response(200, WhoAmISchema)
def whoami():
    principal = current()
    roles = {
        role: sorted(int(p.rstrip("/").rsplit("/", 1)[-1]) for p in prefixes if p != "/")
        for role, prefixes in principal.roles.items()
    }
    person = _me(principal.person, principal.roles) if principal.person else None
    return {
        "kind": principal.session.kind,
        "account": principal.account,
        "person": person,
        "roles": roles,
        "expires_at": principal.session.expires_at,
    }


@blp.route("/me", methods=["GET"])
@allow("member")
@blp.response(200, MeSchema)
def me():
    """The logged-in member (mini-program 我的)."""
    principal = current()
    if principal.person is None:
        raise ApiError(404, "no_member_record", "当前账号未关联党员档案")
    return _me(principal.person, principal.roles)
