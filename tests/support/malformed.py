"""Helpers for the parser tests: edit a real file's line, and expect a ParseError at a given line."""

from microlensing_to_sqlite.parsing import ParseError


def edit_line(text, line_number, edit):
    """`text` with its line `line_number` (1-based) split into fields, edited, and joined again."""
    lines = text.splitlines(keepends=True)
    fields = lines[line_number - 1].split()
    edit(fields)
    lines[line_number - 1] = " ".join(fields) + "\n"
    return "".join(lines)


def set_field(index, value):
    return lambda fields: fields.__setitem__(index, value)


def insert_field(index, value):
    return lambda fields: fields.insert(index, value)


def assert_parse_error(parse, text, source, line, **kwargs):
    """parse(text) raises ParseError naming `source` and `line`; any other exception escapes and fails."""
    try:
        parse(text, source=source, **kwargs)
    except ParseError as error:
        assert (error.source, error.line) == (source, line), str(error)
        where = f"{source}, line {line}" if line else source
        assert str(error).startswith(f"{where}: expected ")
        return error
    raise AssertionError(f"{parse.__name__} accepted the text")
