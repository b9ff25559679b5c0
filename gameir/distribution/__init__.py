"""Shipping datasets: verified, resumable downloads (splits or single files) and a read-only HTTP server with byte ranges."""

from gameir.distribution.download import DownloadError, DownloadReport, check_disk_space, download, download_split
from gameir.distribution.files import download_files
from gameir.distribution.serve import DatasetHTTPServer, DatasetRequestHandler, make_server, parse_range
from gameir.transport import PermanentError, TransientError, open_url

__all__ = [
    "DatasetHTTPServer",
    "DatasetRequestHandler",
    "DownloadError",
    "DownloadReport",
    "PermanentError",
    "TransientError",
    "check_disk_space",
    "download",
    "download_files",
    "download_split",
    "make_server",
    "open_url",
    "parse_range",
]
