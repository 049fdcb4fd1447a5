"""Chinese messages for marshmallow's built-in validation errors.

Applied once at import of ``server``; per-field messages reach the user inside ``errors``.
"""

from marshmallow import fields, validate

_FIELD_MESSAGES = {
    fields.Field: {
        "required": "此项为必填项",
        "null": "此项不能为空",
        "validator_failed": "取值无效",
    },
    fields.String: {"invalid": "应为字符串", "invalid_utf8": "不是有效的 UTF-8 文本"},
    fields.Integer: {"invalid": "应为整数", "too_large": "数值过大", "not_whole": "应为整数"},
    fields.Number: {"invalid": "应为数字", "too_large": "数值过大"},
    fields.Float: {"special": "不能为 NaN 或无穷大"},
    fields.Boolean: {"invalid": "应为布尔值"},
    fields.Date: {"invalid": "日期格式应为 YYYY-MM-DD", "format": "无法格式化日期"},
    fields.DateTime: {"invalid": "时间格式应为 ISO 8601", "invalid_awareness": "时间须带时区"},
    fields.List: {"invalid": "应为列表"},
    fields.Nested: {"type": "应为对象"},
    fields.Dict: {"invalid": "应为对象"},
    fields.Email: {"invalid": "不是有效的邮箱地址"},
    fields.Url: {"invalid": "不是有效的网址"},
}

_UNKNOWN = "不允许的字段"


def install_chinese_messages() -> None:
    for cls, messages in _FIELD_MESSAGES.items():
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    validate.Length.message_min = "长度不能少于 {min}"
    validate.Length.message_max = "长度不能超过 {max}"
    validate.Length.message_all = "长度应在 {min} 到 {max} 之间"
    validate.Length.message_equal = "长度应为 {equal}"
    validate.Range.message_min = "应{min_op} {{min}}"
    validate.Range.message_max = "应{max_op} {{max}}"
    validate.Range.message_all = "应{min_op} {{min}} 且{max_op} {{max}}"
    validate.Range.message_gte = "不小于"
    validate.Range.message_gt = "大于"
    validate.Range.message_lte = "不大于"
    validate.Range.message_lt = "小于"
    validate.OneOf.default_message = "取值应为以下之一：{choices}"
    validate.Regexp.default_message = "格式不正确"
    from marshmallow import Schema

    Schema._default_error_messages = {"unknown": _UNKNOWN, "type": "请求体应为 JSON 对象"}
