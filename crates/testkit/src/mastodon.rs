//! A Mastodon-API server for tests: PyPI `mastodon-mock`, started on a free loopback port.
