from datetime import date
from itertools import pairwise

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ..orgs.schemas import OrgSchema
from ..schemas import Choice, PageArgs, Text, TrimmedString, UtcDateTime, paged
from .models import CATEGORIES, GENDERS, MEMBER_TYPES, POSTS, STATUSES
from .validation import NAME_RE, PHONE_RE, STAFF_NO_RE, id_number_problem, normalize_id_number

DATE_FIELDS = ("application_date", "activist_date", "admission_date", "full_membership_date")


def _not_future_or_ancient(value: date) -> None:
    if value.year < 1900 or value > date.today():
        raise ValidationError("日期应在 1900 年之后且不晚于今天")


class PersonWriteSchema(Schema):
    """Input for creating (all required fields) or updating (partial) a person."""

    staff_no = TrimmedString(
        required=True,
        validate=validate.Regexp(
            STAFF_NO_RE, error="学号/工号只能包含字母、数字、-、_，最长 32 位"
        ),
    )
    name = TrimmedString(
        required=True, validate=validate.Regexp(NAME_RE, error="姓名应为 1–50 个汉字或字母")
    )
    gender = Choice(GENDERS, allow_none=True)
    ethnicity = Text(20, allow_none=True)
    birth_date = fields.Date(allow_none=True, validate=_not_future_or_ancient)
    native_place = Text(100, allow_none=True)
    id_number = TrimmedString(allow_none=True, metadata={"description": "公民身份号码（18 位）"})
    phone = TrimmedString(
        allow_none=True, validate=validate.Regexp(PHONE_RE, error="手机号应为 11 位大陆手机号")
    )
    education = Text(20, allow_none=True)
    degree = Text(20, allow_none=True)
    unit = Text(100, allow_none=True, metadata={"description": "学院专业 / 单位职务"})
    category = Choice(CATEGORIES, load_default="student")
    member_type = Choice(MEMBER_TYPES, required=True)
    status = Choice(STATUSES, load_default="normal")
    application_date = fields.Date(allow_none=True, validate=_not_future_or_ancient)
    activist_date = fields.Date(allow_none=True, validate=_not_future_or_ancient)
    admission_date = fields.Date(allow_none=True, validate=_not_future_or_ancient)
    full_membership_date = fields.Date(allow_none=True, validate=_not_future_or_ancient)
    org_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    group_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    introducers = Text(100, allow_none=True)
    rewards_punishments = Text(2000, allow_none=True)
    version = fields.Integer(
        load_only=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "乐观锁：读取时的 version，过期则 409"},
    )

    @validates("id_number")
    def _id_number(self, value, **_):
        if value is None:
            return
        problem = id_number_problem(normalize_id_number(value))
        if problem:
            raise ValidationError(problem)

    @validates_schema
    def _dates_in_order(self, data, **_):
        present = [(f, data[f]) for f in DATE_FIELDS if data.get(f)]
        for (earlier_name, earlier), (later_name, later) in pairwise(present):
            if later < earlier:
                raise ValidationError(
                    f"{_LABELS[later_name]}不能早于{_LABELS[earlier_name]}", later_name
                )
        born = data.get("birth_date")
        if born and present and present[0][1] < born:
            raise ValidationError("日期不能早于出生日期", present[0][0])


_LABELS = {
    "application_date": "申请入党日期",
    "activist_date": "确定积极分子日期",
    "admission_date": "入党日期",
    "full_membership_date": "转正日期",
}


class PersonPatchSchema(PersonWriteSchema):
    """Same fields as creation, all optional (use with ``partial=True``)."""


class PostSchema(Schema):
    id = fields.Integer()
    org_id = fields.Integer()
    org_name = fields.Function(lambda p: p.org.name)
    post = fields.String()
    post_label = fields.String()
    since = fields.Date(allow_none=True)


class PostCreateSchema(Schema):
    org_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    post = Choice(POSTS, required=True)
    since = fields.Date(allow_none=True, validate=_not_future_or_ancient)


class PersonSchema(Schema):
    """A person as the API shows them: ID number and phone are always masked here."""

    id = fields.Integer()
    staff_no = fields.String()
    name = fields.String()
    gender = fields.String(allow_none=True)
    ethnicity = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    native_place = fields.String(allow_none=True)
    id_number = fields.String(attribute="id_number_masked", allow_none=True)
    phone = fields.String(attribute="phone_masked", allow_none=True)
    education = fields.String(allow_none=True)
    degree = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    category = fields.String()
    member_type = fields.String()
    member_type_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    application_date = fields.Date(allow_none=True)
    activist_date = fields.Date(allow_none=True)
    admission_date = fields.Date(allow_none=True)
    full_membership_date = fields.Date(allow_none=True)
    org_id = fields.Integer()
    org_name = fields.Function(lambda p: p.org.name)
    group_id = fields.Integer(allow_none=True)
    introducers = fields.String(allow_none=True)
    rewards_punishments = fields.String(allow_none=True)
    posts = fields.List(fields.Nested(PostSchema))
    wechat_bound = fields.Boolean(dump_default=False)
    version = fields.Integer()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


PersonPageSchema = paged(PersonSchema, "PersonPage")


class PersonQuerySchema(PageArgs):
    org_id = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "含下级组织"}
    )
    member_type = Choice(MEMBER_TYPES)
    status = Choice(STATUSES)
    q = Text(50, metadata={"description": "姓名或学号/工号（前缀匹配）"})


class SensitiveSchema(Schema):
    id = fields.Integer()
    id_number = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class InviteCodeSchema(Schema):
    invite_code = fields.String()
    expires_at = UtcDateTime()


class MeSchema(Schema):
    """The bound member, for the mini-program's 我的 page."""

    id = fields.Integer()
    name = fields.String()
    gender = fields.String(allow_none=True)
    member_type = fields.String()
    member_type_label = fields.String()
    category = fields.String()
    staff_no = fields.String()
    phone = fields.String(attribute="phone_masked", allow_none=True)
    org = fields.Method("_org")
    posts = fields.Method("_posts")
    roles = fields.List(fields.String())

    def _org(self, person):
        from ..orgs.services import org_path_names

        return {"id": person.org.id, "name": person.org.name, "path": org_path_names(person.org)}

    def _posts(self, person):
        return [post.post_label for post in person.posts]


class ImportReportSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    rejected = fields.List(fields.Dict())
    dry_run = fields.Boolean()


__all__ = ["OrgSchema"]
