"""Numeric tables as text, vectorised: the generated photometry files are millions of lines, which one f-string
a line would take minutes to write.

    lines((times, 5), b" ", (mags, 3), b" ", (errors, 3))

gives the bytes that "".join(f"{t:.5f} {m:.3f} {e:.3f}\\n" for ...) gives (up to the rounding of exact halves),
built as one array of characters per column.
"""

import numpy

SPACE, MINUS, POINT, ZERO = 32, 45, 46, 48


def number_columns(values, decimals, width=0):
    """An (n, w) uint8 array: each value as f"{v:{width}.{decimals}f}" writes it, right-aligned; bytes 0 where
    the text is shorter than the longest (they are dropped when the lines are joined)."""
    values = numpy.asarray(values, dtype=float)
    scaled = numpy.rint(numpy.abs(values) * 10.0 ** decimals).astype(numpy.int64)
    whole = scaled // 10 ** decimals
    powers = 10 ** numpy.arange(1, 19, dtype=numpy.int64)
    whole_digits = 1 + (whole[:, None] >= powers[None, :]).sum(axis=1) if len(whole) else whole
    longest = int(whole_digits.max()) if len(whole) else 1
    fraction = decimals + 1 if decimals else 0
    columns = max(1 + longest + fraction, width)
    out = numpy.zeros((len(values), columns), dtype=numpy.uint8)
    for place in range(decimals):
        out[:, columns - 1 - place] = ZERO + (scaled // 10 ** place) % 10
    if decimals:
        out[:, columns - 1 - decimals] = POINT
    for place in range(longest):
        digit = ZERO + (whole // 10 ** place) % 10
        out[:, columns - 1 - fraction - place] = numpy.where(place < whole_digits, digit, 0)
    negative = numpy.flatnonzero(numpy.signbit(values))
    out[negative, columns - 1 - fraction - whole_digits[negative]] = MINUS
    if width:
        padding = out[:, columns - width:]
        padding[padding == 0] = SPACE
    return out


def lines(*parts):
    """Rows of text, one per value, each ending in a newline. Each part is constant bytes (the same on every row)
    or (values, decimals) or (values, decimals, width), formatted as f"{value:{width}.{decimals}f}"."""
    numeric = [p for p in parts if not isinstance(p, bytes)]
    n = len(numeric[0][0])
    blocks = []
    for part in parts + (b"\n",):
        if isinstance(part, bytes):
            blocks.append(numpy.tile(numpy.frombuffer(part, dtype=numpy.uint8), (n, 1)))
        else:
            blocks.append(number_columns(*part))
    table = numpy.hstack(blocks).ravel()
    return table[table != 0].tobytes()
