//! A real local Bluesky network for tests: npm `@atproto/dev-env` (PLC, PDS, AppView) on loopback.
