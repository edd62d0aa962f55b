//! Integration tests of the web app: one binary, one module per concern.

mod helpers;

mod authorization;
mod pages;
mod security;
