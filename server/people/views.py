from flask_smorest import Blueprint

from ..auth import services as auth_services
from ..auth.principal import allow, current
from ..schemas import page_result
from . import services
from .schemas import (
    InviteCodeSchema,
    PersonPageSchema,
    PersonPatchSchema,
    PersonQuerySchema,
    PersonSchema,
    PersonWriteSchema,
    PostCreateSchema,
    PostSchema,
    SensitiveSchema,
)

blp = Blueprint("people", __name__, url_prefix="/api/v1/people", description="党员与发展对象档案")


def _with_binding(*people):
    bound = auth_services.bound_person_ids([person.id for person in people])
    for person in people:
        person.wechat_bound = person.id in bound
    return people[0] if people else None


@blp.route("", methods=["GET"])
@allow(*services.READ_ROLES)
@blp.arguments(PersonQuerySchema, location="query")
@blp.response(200, PersonPageSchema)
def list_people(args):
    """People in the caller's scope; ID numbers and phones masked."""
    page, per_page = args.pop("page"), args.pop("per_page")
    result = page_result(services.search(current(), args, page, per_page))
    _with_binding(*result["items"])
    return result


@blp.route("", methods=["POST"])
@allow(*services.WRITE_ROLES)
@blp.arguments(PersonWriteSchema)
@blp.response(201, PersonSchema)
def create_person(data):
    return services.create(data, current())


@blp.route("/<int(max=2147483647):person_id>", methods=["GET"])
@allow(*services.READ_ROLES)
@blp.response(200, PersonSchema)
def get_person(person_id):
    return _with_binding(services.get_visible(person_id, current()))


@blp.route("/<int(max=2147483647):person_id>", methods=["PATCH"])
@allow(*services.WRITE_ROLES)
@blp.arguments(PersonPatchSchema(partial=True))
@blp.response(200, PersonSchema)
def update_person(data, person_id):
    person = services.get_visible(person_id, current())
    return _with_binding(services.update(person, data, current()))


@blp.route("/<int(max=2147483647):person_id>/sensitive", methods=["GET"])
@allow(*services.SENSITIVE_ROLES)
@blp.response(200, SensitiveSchema)
def read_sensitive(person_id):
    """Full ID number and phone. Every call is written to the audit log."""
    person = services.get_visible(person_id, current())
    return services.read_sensitive(person, current())


@blp.route("/<int(max=2147483647):person_id>/posts", methods=["POST"])
@allow(*services.WRITE_ROLES)
@blp.arguments(PostCreateSchema)
@blp.response(201, PostSchema)
def add_post(data, person_id):
    person = services.get_visible(person_id, current(), services.WRITE_ROLES)
    return services.add_post(person, data, current())


@blp.route(
    "/<int(max=2147483647):person_id>/posts/<int(max=2147483647):post_id>", methods=["DELETE"]
)
@allow(*services.WRITE_ROLES)
@blp.response(204)
def remove_post(person_id, post_id):
    person = services.get_visible(person_id, current(), services.WRITE_ROLES)
    services.remove_post(person, post_id, current())


@blp.route("/<int(max=2147483647):person_id>/invite-code", methods=["POST"])
@allow(*services.WRITE_ROLES)
@blp.response(201, InviteCodeSchema)
def create_invite_code(person_id):
    """A one-time code for the member to bind WeChat (replaces any unused earlier code)."""
    person = services.get_visible(person_id, current(), services.WRITE_ROLES)
    return auth_services.create_invite_code(person, current())


@blp.route("/<int(max=2147483647):person_id>/wechat-binding", methods=["DELETE"])
@allow(*services.WRITE_ROLES)
@blp.response(204)
def unbind_wechat(person_id):
    """Release the member's WeChat binding (to rebind another account); ends their sessions."""
    person = services.get_visible(person_id, current(), services.WRITE_ROLES)
    auth_services.unbind(person)
