"""The docs a contributor copies from stay true (sqlite-utils' test_docs.py): every path in the README's layout
exists, every ./build option is documented, every method the README's survey example and survey.py's docstring
name exists on the Survey interface, and every docs/ page the README links to is there."""

import re
from pathlib import Path

import pytest

from microlensing_to_sqlite import cli, survey

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(text, heading):
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def layout_paths():
    """The paths the README's layout names: a line's first words (comma-separated), under the last top-level
    folder when the line is indented."""
    block = section(README, "Layout").split("```", 2)[1]
    found, folder = [], ""
    for line in block.splitlines():
        if not line.strip() or line.startswith(" " * 10):  # a description's continuation
            continue
        names = re.match(r"\s*([^\s,]+(?:, [^\s,]+)*)", line).group(1).split(", ")
        if line.startswith("  "):
            found += [folder + name for name in names]
        else:
            folder = names[0] if names[0].endswith("/") else ""
            found += names
    return found


@pytest.mark.parametrize("path", layout_paths())
def test_every_path_in_the_readmes_layout_exists(path):
    assert (ROOT / path).exists(), f"README's layout names {path}, which does not exist"


def test_the_layout_names_the_fit_the_schema_and_the_surveys_parsers():
    paths = layout_paths()
    assert {"microlensing_to_sqlite/fit/", "microlensing_to_sqlite/ogle/", "plugins/", "static/"} <= set(paths)


def test_every_build_option_is_documented():
    documented = README + (ROOT / "docs/operations.md").read_text(encoding="utf-8")
    options = set(re.findall(r"--[a-z][a-z-]+", cli_help())) - {"--help"}
    assert len(options) > 10
    missing = sorted(o for o in options if not re.search(re.escape(o) + r"\b", documented))
    assert not missing, f"./build options documented nowhere: {missing}"


def cli_help():
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        cli.parse_arguments(["--help"])
    return out.getvalue()


def test_every_method_the_readmes_survey_example_names_exists():
    example = section(README, "Adding a survey")
    methods = re.findall(r"def (\w+)\(self, ([^)]*)\)", example)
    assert len(methods) >= 5
    for name, arguments in methods:
        assert hasattr(survey.Survey, name), f"the README's example names Survey.{name}, which does not exist"
        code = getattr(survey.Survey, name).__code__
        expected = list(code.co_varnames[1:code.co_argcount])
        assert [a.split("=")[0].strip() for a in arguments.split(",")] == expected, name


def test_every_method_survey_py_says_a_survey_calls_exists():
    named = set(re.findall(r"`(\w+)\(", survey.__doc__))
    assert {"read_alert", "list_urls", "event_urls"} <= named
    assert not [n for n in named if not hasattr(survey.Survey, n)]


def test_the_docs_the_readme_links_to_exist():
    for link in re.findall(r"\]\((docs/[^)]+)\)", README):
        assert (ROOT / link).exists(), link
