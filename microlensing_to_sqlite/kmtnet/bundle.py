"""pysis.tar.gz: every pySIS file of one KMTNet event in one gzipped tar (one request instead of five to twelve)."""

import gzip
import io
import tarfile
import zlib

from ..parsing import quoted


class BundleError(ValueError):
    """The bytes are not a whole gzipped tar."""


def pysis_members(data):
    """The .pysis files in a pysis.tar.gz, by base name, as text."""
    try:
        # Decompress it all first: gzip checks its CRC only at the end of the stream, which tarfile may never
        # read, so a corrupt bundle would otherwise give garbled members, or too few, without an error.
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as bundle:
            return {member.name.rsplit("/", 1)[-1]: bundle.extractfile(member).read().decode("utf-8", "replace")
                    for member in bundle.getmembers() if member.isfile() and member.name.endswith(".pysis")}
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BundleError(f"expected a gzipped tar of .pysis files: {quoted(error)}") from None
