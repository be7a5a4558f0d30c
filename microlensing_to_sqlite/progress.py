"""Progress on a terminal: one line per survey and season, `files done / total, errors`."""

import sys


class Progress:
    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.label, self.total, self.done, self.errors = "", 0, 0, 0

    def start(self, label, total):
        self.label, self.total, self.done, self.errors = label, total, 0, 0
        self.show()

    def advance(self, error=False):
        self.done += 1
        self.errors += bool(error)
        # Redrawing every item of a 3,000-file season would cost more than the work on a slow terminal.
        if self.live and (self.done == self.total or self.done % 25 == 0):
            self.show()

    def show(self, end=""):
        if self.live:
            self.stream.write(f"\r{self.label:<20} {self.done:>6} / {self.total:<6} problems {self.errors}{end}")
            self.stream.flush()

    def finish(self):
        self.show(end="\n")
