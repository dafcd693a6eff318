"""File downloads: one place that knows the content type of each exported format."""

from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "json": "application/json; charset=utf-8",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
}


def download(content: bytes, filename: str) -> HttpResponse:
    """An attachment whose content type follows the file name's extension."""
    extension = filename.rsplit(".", 1)[-1].lower()
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def streamed_download(chunks: Iterable[bytes], filename: str) -> StreamingHttpResponse:
    """An attachment sent chunk by chunk as ``chunks`` are produced (a long CSV export):
    the first bytes leave before the last rows are read."""
    extension = filename.rsplit(".", 1)[-1].lower()
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
