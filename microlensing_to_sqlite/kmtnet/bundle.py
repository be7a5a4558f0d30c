"""pysis.tar.gz: every pySIS file of one KMTNet event in one gzipped tar (one request instead of five to twelve)."""

import gzip
import io
import tarfile
import zlib

from .. import limits
from ..parsing import quoted


class BundleError(ValueError):
    """The bytes are not a whole gzipped tar."""


def pysis_members(data):
    """The .pysis files in a pysis.tar.gz, by base name, as text."""
    try:
        # Decompress it all first: gzip checks its CRC only at the end of the stream, which tarfile may never
        # read, so a corrupt bundle would otherwise give garbled members, or too few, without an error. A piece
        # at a time, and no further than the cap: a bundle of a few KB may unpack to gigabytes.
        if data[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipping:
                data = unzipping.read(limits.UNPACKED_BUNDLE + 1)
            if len(data) > limits.UNPACKED_BUNDLE:
                raise BundleError(f"expected a pySIS bundle of at most {limits.in_words(limits.UNPACKED_BUNDLE)} "
                                  f"unpacked, found more: not read")
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as bundle:
            return {member.name.rsplit("/", 1)[-1]: bundle.extractfile(member).read().decode("utf-8", "replace")
                    for member in bundle.getmembers() if member.isfile() and member.name.endswith(".pysis")}
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BundleError(f"expected a gzipped tar of .pysis files: {quoted(error)}") from None
