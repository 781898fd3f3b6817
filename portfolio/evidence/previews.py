"""Previews of evidence files, for reviewers who decide with the evidence open.

An image or a PDF is shown in the page through a short-lived link that answers `Content-Disposition:
inline`; every other type keeps the download link (an attachment). The type that decides is the one the
verifier sniffed from the bytes, never the one the uploader declared.
"""

from __future__ import annotations

from portfolio.core.content_disposition import INLINE_TYPES
from portfolio.evidence.models import EvidenceFile
from portfolio.evidence.services.files import DownloadLink, evidence_file_download_link


def file_preview_kind(*, file: EvidenceFile) -> str:
    """ "image", "pdf" or "" (no preview: download it). Only a verified file has a sniffed type."""
    if file.state != EvidenceFile.State.VERIFIED or file.detected_type not in INLINE_TYPES:
        return ""
    return "pdf" if file.detected_type == "application/pdf" else "image"


def evidence_file_preview_link(*, file: EvidenceFile) -> DownloadLink:
    """A short-lived inline link for a previewable file, the ordinary download link for any other.

    The caller checked access. A file that is not verified is refused (EvidenceRefused) as for a download;
    both read only the verified copy.
    """
    return evidence_file_download_link(file=file, inline=bool(file_preview_kind(file=file)))
