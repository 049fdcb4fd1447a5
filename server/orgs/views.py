from flask_smorest import Blueprint

from ..auth.principal import allow, current
from . import services
from .schemas import OrgCreateSchema, OrgDetailSchema, OrgSchema, OrgTreeSchema, OrgUpdateSchema

blp = Blueprint(
    "orgs", __name__, url_prefix="/api/v1/orgs", description="组织树（党委→党总支→党支部→党小组）"
)


@blp.route("/tree", methods=["GET"])
@allow(*services.READ_ROLES)
@blp.response(200, OrgTreeSchema)
def org_tree():
    """The part of the organisation tree the caller may see."""
    return {"roots": services.tree(current())}


@blp.route("", methods=["POST"])
@allow(*services.WRITE_ROLES)
@blp.arguments(OrgCreateSchema)
@blp.response(201, OrgSchema)
def create_org(data):
    """Create an org under a parent in the caller's scope."""
    return services.create(data, current())


@blp.route("/<int(max=2147483647):org_id>", methods=["GET"])
@allow(*services.READ_ROLES)
@blp.response(200, OrgDetailSchema)
def get_org(org_id):
    org = services.get_visible(org_id, current())
    org.member_counts = services.counts_by_member_type(org)
    return org


@blp.route("/<int(max=2147483647):org_id>", methods=["PATCH"])
@allow(*services.WRITE_ROLES)
@blp.arguments(OrgUpdateSchema)
@blp.response(200, OrgSchema)
def update_org(data, org_id):
    org = services.get_visible(org_id, current())
    return services.update_org(org, data, current())


@blp.route("/<int(max=2147483647):org_id>", methods=["DELETE"])
@allow(*services.WRITE_ROLES)
@blp.response(204)
def delete_org(org_id):
    services.delete(services.get_visible(org_id, current()), current())
