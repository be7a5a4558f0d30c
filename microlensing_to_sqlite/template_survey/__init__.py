"""A runnable template of a survey package, in the manner of astroquery's template_module: copy this folder to
start a survey, rename EXAMPLE, and replace each file's format by the survey's own.

It is not in registry.py, so no build loads it. tests/test_template_survey.py registers it beside the real
surveys (as registry.py would list it), writes a small mirror with its demo.py and builds it, so every method
shown here works as written. The survey is fictional: its host is alerts.example.org, its files SYNTHETIC.

- site.py: its seasons, and where each of its files is (the only URLs the package knows);
- season_list.py, photometry.py: one parser a file format, each a pure function from text to records that
  raises parsing.ParseError naming the file, the line and what was expected;
- survey.py: the Survey subclass, the one object registry.py would list;
- demo.py: the one writer of SYNTHETIC files in each of its formats.
"""

from .survey import Example

EXAMPLE = Example()
