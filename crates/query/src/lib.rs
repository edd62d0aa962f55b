//! Listening queries: the Boolean query language and the matcher of all active queries.
