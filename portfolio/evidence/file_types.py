"""The file types the portfolio recognises: what each is called, and which file name extensions fit it.

Recognising a type is not accepting it: executables, archives and web pages are recognised so that a
refusal can say what a file really is. settings.EVIDENCE_ALLOWED_TYPES decides what is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    mime: str
    name: str  # with its article, as it reads in a sentence: "a PDF", "an MP4 video"
    extensions: tuple[str, ...]  # the usual one first


def _t(mime: str, name: str, *extensions: str) -> FileType:
    return FileType(mime=mime, name=name, extensions=extensions)


# ISO base media files (MP4, MOV, M4A, 3GP) share one container, and phones and editors name them
# loosely: a .mov from one camera is an MP4 inside, an .mp4 may hold only audio. Those overlaps are
# allowed; a different kind of content behind an extension is not.
_TYPES = [
    _t("application/pdf", "a PDF", "pdf"),
    _t("image/jpeg", "a JPEG image", "jpg", "jpeg", "jpe", "jfif"),
    _t("image/png", "a PNG image", "png"),
    _t("image/gif", "a GIF image", "gif"),
    _t("image/webp", "a WebP image", "webp"),
    _t("image/heic", "a HEIC image", "heic", "heif"),
    _t("image/heif", "a HEIF image", "heif", "heic"),
    _t("image/avif", "an AVIF image", "avif"),
    _t("video/mp4", "an MP4 video", "mp4", "m4v", "mov"),
    _t("video/quicktime", "a QuickTime video", "mov", "qt", "mp4"),
    _t("video/3gpp", "a 3GP video", "3gp", "3g2", "mp4"),
    _t("audio/mp4", "an M4A audio file", "m4a", "m4b", "mp4"),
    _t("audio/mpeg", "an MP3 audio file", "mp3"),
    _t("audio/aac", "an AAC audio file", "aac"),
    _t("audio/wav", "a WAV audio file", "wav"),
    _t("audio/ogg", "an Ogg audio file", "ogg", "oga", "opus"),
    _t("video/webm", "a WebM video", "webm"),
    _t("video/x-matroska", "a Matroska video", "mkv", "mka"),
    _t("video/x-msvideo", "an AVI video", "avi"),
    _t("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a Word document", "docx"),
    _t("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "an Excel workbook", "xlsx"),
    _t(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "a PowerPoint presentation",
        "pptx",
    ),
    _t("application/vnd.oasis.opendocument.text", "an OpenDocument text", "odt"),
    _t("application/vnd.oasis.opendocument.spreadsheet", "an OpenDocument spreadsheet", "ods"),
    _t("application/vnd.oasis.opendocument.presentation", "an OpenDocument presentation", "odp"),
    _t("text/plain", "a plain text file", "txt", "text", "log", "md"),
    _t("text/csv", "a CSV file", "csv"),
    _t("application/rtf", "an RTF document", "rtf"),
    # Recognised so that a refusal can name them; never in the default allow-list.
    _t("application/zip", "a ZIP archive", "zip"),
    _t("application/x-rar-compressed", "a RAR archive", "rar"),
    _t("application/x-7z-compressed", "a 7-Zip archive", "7z"),
    _t("application/gzip", "a gzip archive", "gz", "tgz"),
    _t("application/x-ole-storage", "an old-style Office file (.doc, .xls, .ppt)", "doc", "xls", "ppt", "msg"),
    _t("text/html", "a web page (HTML)", "html", "htm"),
    _t("image/svg+xml", "an SVG image, which can carry scripts", "svg"),
    _t("application/x-msdownload", "a Windows executable", "exe", "dll", "scr", "com", "sys"),
    _t("application/x-executable", "a Linux executable (ELF)", "elf", "so", "bin"),
    _t("application/x-mach-binary", "a macOS executable (Mach-O)", "dylib"),
    _t("application/x-java-or-fat-binary", "a Java class or macOS universal executable", "class"),
    _t("text/x-script", "a script (it starts with #!)", "sh", "py", "pl", "rb"),
]

FILE_TYPES: dict[str, FileType] = {file_type.mime: file_type for file_type in _TYPES}

DEFAULT_ALLOWED_TYPES: tuple[str, ...] = tuple(
    file_type.mime for file_type in _TYPES[: [t.mime for t in _TYPES].index("application/zip")]
)


def types_for_extension(extension: str) -> list[FileType]:
    """The recognised types a file name ending `.extension` promises, most likely first."""
    extension = extension.lower()
    return [file_type for file_type in _TYPES if extension in file_type.extensions]
