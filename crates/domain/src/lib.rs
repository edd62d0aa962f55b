//! Pure model and rules of Fil Rouge: clients and their charters, accounts, users, roles and
//! permissions, journal entries and the clock. No IO, no async, no SQL, no HTTP.

pub mod account;
pub mod analysis;
pub mod client;
pub mod clock;
pub mod connection;
pub mod ids;
pub mod inbox;
pub mod journal;
pub mod lint;
pub mod listening_query;
pub mod local_time;
pub mod locale;
pub mod media;
pub mod mention;
pub mod permission;
pub mod post;
pub mod publishing;
pub mod schedule;
pub mod slot;
pub mod source;
pub mod user;
pub mod validate;

pub use validate::Invalid;
