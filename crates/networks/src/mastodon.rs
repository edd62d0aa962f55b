//! Mastodon: hashtag timelines, search and streaming on chosen instances.
