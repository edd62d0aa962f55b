//! Pure model and rules of Fil Rouge: clients and their charters, accounts, users, roles and
//! permissions, journal entries and the clock. No IO, no async, no SQL, no HTTP.

pub mod account;
pub mod client;
pub mod clock;
pub mod ids;
pub mod journal;
pub mod locale;
pub mod permission;
pub mod user;
pub mod validate;

pub use validate::Invalid;
