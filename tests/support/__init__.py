"""Test support: where the test data are, and the pieces several test modules share (a loopback survey site,
a faulty site, a runner that kills builds, helpers for malformed text and for comparing databases)."""
