//! The composer's charter and spelling guards, without IO: `check_charter` and `Speller`.
//!
//! Both speak the domain's lint vocabulary (`Finding`, `FindingCode`, `Span`), so the composer, the command line
//! and the importer show them beside the network guards. Neither knows clients, networks, storage or HTTP: they
//! take a charter (or language codes and accepted words) and a text, and return findings.

mod address;
mod charter;
mod conjugation;
mod error;
mod spelling;
mod text;

pub use charter::{check_charter, SPARING_EMOJI};
pub use error::LintError;
pub use spelling::{Speller, MAX_SUGGESTIONS};
