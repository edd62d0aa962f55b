//! Analysis of short social text: language, sentiment and intent.
