//! Bluesky: post search through an AppView (or a PDS proxying to one), and Jetstream for volume.
