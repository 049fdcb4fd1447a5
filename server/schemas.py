"""Schema building blocks shared by every domain."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import Schema, fields, validate


class UtcDateTime(fields.DateTime):
    """Naive-UTC database values out as ISO 8601 with an explicit +00:00."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if result.tzinfo is not None:
            try:
                result = result.astimezone(UTC).replace(tzinfo=None)
            except OverflowError:  # 0001-01-01T00:00+14:00 has no UTC time
                raise self.make_error("invalid") from None
        return result


def Text(max_length: int, *, required: bool = False, min_length: int = 1, **kwargs):
    """A trimmed, length-bounded string (every free-text input has a bound)."""
    return TrimmedString(
        required=required, validate=validate.Length(min=min_length, max=max_length), **kwargs
    )


class TrimmedString(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        result = result.strip()
        if "\x00" in result:
            raise self.make_error("invalid")
        return result


def Choice(choices: dict, **kwargs):
    return fields.String(
        validate=validate.OneOf(list(choices), error="取值应为以下之一：{choices}"),
        metadata={"description": "; ".join(f"{k}={v}" for k, v in choices.items())},
        **kwargs,
    )


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageMeta(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


def paged(item_schema: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item_schema)), "meta": fields.Nested(PageMeta)},
        name=name,
    )


def page_result(pagination) -> dict:
    return {
        "items": list(pagination.items),
        "meta": {
            "page": pagination.page,
            "per_page": pagination.per_page,
            "total": pagination.total,
            "pages": pagination.pages,
        },
    }


class ApiErrorSchema(Schema):
    code = fields.String(metadata={"description": "稳定的机器可读错误码"})
    status = fields.Integer()
    message = fields.String(metadata={"description": "中文错误说明"})
    errors = fields.Dict()
