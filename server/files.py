"""Files in and out of the API: multipart uploads parsed by one schema, download headers, and
safe cell values and file names for .xlsx exports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from typing import ClassVar
from urllib.parse import quote

from flask import Response
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import ValidationError
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict, FileStorage

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Pictures members upload (sniffed type → the extension of the stored object).
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def uploaded_file(
    content: bytes,
    mimetype: str,
    *,
    filename: str | None = None,
    fallback: str | None = None,
    inline: bool = True,
    cache: str = "private, max-age=3600",
) -> Response:
    """A file a user uploaded, served so a browser neither sniffs it into something else nor
    runs anything in it (nosniff, a sandbox CSP)."""
    response = Response(content, mimetype=mimetype)
    if fallback is not None:
        response.headers["Content-Disposition"] = content_disposition(
            filename or "", fallback, inline=inline
        )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = cache
    return response


@dataclass
class Export:
    """An export built in memory: the file and the name to offer it under."""

    content: bytes
    filename: str


def local_minute(moment) -> str:
    """A naive-UTC time as Beijing time to the minute for a sheet ("" for None)."""
    from .notify.services import local_time

    return local_time(moment).strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def xlsx_response(content: bytes, filename: str, fallback: str) -> Response:
    """An .xlsx export as a download (not cached: it holds personal data)."""
    response = Response(content, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(filename, fallback)
    response.headers["Cache-Control"] = "no-store"
    return response


class _MultipartParser(FlaskParser):
    __location_map__: ClassVar[dict] = {
        **FlaskParser.__location_map__,
        "multipart": "load_multipart",
    }
    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar[dict] = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "multipart": None,
    }

    def load_multipart(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class MultipartBlueprint(Blueprint):
    """A blueprint whose ``location="multipart"`` reads request.form and request.files with
    one schema and documents them as one multipart requestBody (flask-smorest documents only
    one of ``files`` or ``form`` per endpoint)."""

    ARGUMENTS_PARSER = _MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING: ClassVar[dict] = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }


class FileUpload(Upload):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ValidationError("应上传文件")
        return value


def content_disposition(filename: str, fallback: str, *, inline: bool = False) -> str:
    """An ASCII fallback name and the real name per RFC 5987/6266."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def safe_filename(name: str, default: str = "文件") -> str:
    """A name without path separators or control characters (Chinese kept)."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "_", name).strip(" .")
    return cleaned or default


def xlsx_cell(sheet, value):
    """Strings go out as text, never as formulas (a name like ``=HYPERLINK(...)`` stays text)."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_sheet(workbook, title: str, headers: list[tuple[str, int]]):
    """A new sheet with a frozen header row of (title, column width) pairs."""
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, (_header, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([header for header, _width in headers])
    return sheet


def xlsx_row(sheet, values) -> None:
    """Append a row, every string as text (``xlsx_cell``)."""
    sheet.append([xlsx_cell(sheet, value) for value in values])


def xlsx_bytes(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_upload(file, limit_mb: int, allowed, message: str, refused=None) -> tuple[bytes, str]:
    """An uploaded file's bytes and content type, sniffed from the bytes (never the name or the
    client's claim): 413 ``file_too_large``, 422 ``file_empty``, 415 ``file_type_not_allowed``
    with ``message`` (or, for a sniffed type in ``refused``, that type's own message)."""
    import filetype

    from .errors import ApiError

    data = file.stream.read(limit_mb * 1024 * 1024 + 1)
    if len(data) > limit_mb * 1024 * 1024:
        text = f"文件不能超过 {limit_mb} MB"
        raise ApiError(413, "file_too_large", text, {"file": [text]})
    if not data:
        raise ApiError(422, "file_empty", "文件为空", {"file": ["文件为空"]})
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else None
    if mime not in allowed:
        text = (refused or {}).get(mime, message)
        raise ApiError(415, "file_type_not_allowed", text, {"file": [text]})
    return data, mime
