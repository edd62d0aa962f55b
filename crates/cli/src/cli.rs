//! The command line: every command and option, with its help text.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "filrouge", version, about = "Fil Rouge: the community manager's workbench")]
pub struct Args {
    /// Configuration file (TOML). Default: ./filrouge.toml when it exists. Environment
    /// variables FILROUGE_* override it (FILROUGE_WEB__LISTEN=0.0.0.0:8080).
    #[arg(long, global = true, env = "FILROUGE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data directory (SQLite database, secret key, backups); overrides `data_dir`.
    #[arg(long, global = true)]
    pub data: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app and the background workers.
    Serve {
        /// Address to listen on; overrides `web.listen`.
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Create (once) a demo agency in the data directory and serve it on 127.0.0.1.
    Demo {
        /// Address to listen on (loopback only).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Create the demo data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Import or export clients and users as a workspace file.
    #[command(subcommand)]
    Client(ClientCommand),
    /// Write a consistent snapshot of the SQLite database while it runs.
    Backup {
        /// Output file; default: DATA/backups/filrouge-TIMESTAMP.db
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Replace the SQLite database with a backup (stop the server first).
    Restore {
        /// A file written by `filrouge backup`.
        file: PathBuf,
    },
    /// Show the configuration in force (secrets redacted).
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Read feeds without storing anything.
    #[command(subcommand)]
    Feed(FeedCommand),
    /// Manage a client's listening sources.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Rebuild the search index from the database (analysing mentions stored before analysis first).
    Reindex,
    /// Add language, sentiment, sentiment_score and intent to JSON lines read on standard input.
    Analyze,
    /// Check or explain a listening query.
    #[command(subcommand)]
    Query(QueryCommand),
    /// Lint a draft read on standard input against a client of a workspace file: JSON findings with stable codes
    /// on standard output; exit status 0 when nothing is an error, 1 otherwise.
    Lint {
        /// The workspace file (TOML) that describes the clients.
        #[arg(long)]
        workspace: std::path::PathBuf,
        /// The client's slug.
        #[arg(long)]
        client: String,
        /// Check for this network only (bluesky, mastodon, x, instagram…); default: the client's accounts.
        #[arg(long)]
        network: Option<String>,
    },
    /// Plan posts in bulk.
    #[command(subcommand)]
    Post(PostCommand),
    /// Export a client's calendar.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Connect, list and check the accounts posts are published to.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Publish a post now.
    #[command(subcommand)]
    Publish(PublishCommand),
    /// The inbox: sync the accounts' replies, mentions and messages; list items.
    #[command(subcommand)]
    Inbox(InboxCommand),
    /// What the publishing queue holds: due in the next hours, being published, failed, held.
    Queue {
        /// One client's slug; default: every client.
        #[arg(long)]
        client: Option<String>,
        /// How far ahead to look, in hours.
        #[arg(long, default_value_t = 24)]
        hours: i64,
        /// JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Connect an account (checked against the network first). The secret (Mastodon access token or Bluesky app
    /// password) is read from FILROUGE_ACCOUNT_SECRET or standard input, never from the command line.
    Connect {
        /// The client's slug.
        #[arg(long)]
        client: String,
        /// mastodon or bluesky.
        #[arg(long)]
        network: String,
        /// The account's handle (`@user@instance` on Mastodon, `name.bsky.social` on Bluesky).
        #[arg(long)]
        handle: String,
        /// Mastodon: the instance's address; Bluesky: the PDS (default https://bsky.social).
        #[arg(long)]
        server: Option<String>,
    },
    /// List a client's accounts and their connection status.
    List {
        #[arg(long)]
        client: String,
        #[arg(long)]
        json: bool,
    },
    /// Check every connection of a client against its network; refused ones need reconnection.
    Check {
        #[arg(long)]
        client: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PublishCommand {
    /// Publish (or retry) a post now; it goes through the queue like any other.
    Now {
        /// The client's slug.
        #[arg(long)]
        client: String,
        /// The post's number.
        post: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum PostCommand {
    /// Import posts from a CSV file (date, time, time_zone, client, accounts, text, media, first_comment, labels,
    /// campaign). Every row is checked first; with any error nothing is imported unless --only-valid.
    Import {
        /// The CSV file; media paths in it are read next to it.
        file: std::path::PathBuf,
        /// Check and report every row's problems; create nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the rows without errors and skip the others.
        #[arg(long)]
        only_valid: bool,
        /// Schedule the imported posts that have a time (or send them for review when their client needs
        /// approval) instead of leaving them as drafts.
        #[arg(long)]
        schedule: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Write a client's calendar as CSV (the import format) or iCalendar.
    Export {
        /// The client's slug.
        #[arg(long)]
        client: String,
        /// csv or ics.
        #[arg(long, default_value = "csv")]
        format: String,
        /// First day (YYYY-MM-DD, in the client's time zone); default: today.
        #[arg(long)]
        from: Option<String>,
        /// Day after the last (YYYY-MM-DD); default: 90 days after --from.
        #[arg(long)]
        to: Option<String>,
        /// Output file; default: standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum QueryCommand {
    /// Read mentions as JSON lines (text, and optional title, author, url, lang, source) and write
    /// those the query matches. A syntax error shows where it is; exit status 2.
    Check {
        /// The query, e.g. '"bella napoli" NEAR/3 pizza* -recrutement'.
        query: String,
    },
    /// Print the parsed query and the literals its prefilter looks for.
    Explain { query: String },
    /// Add a listening query to a client (its matches in the last 90 days are found at once).
    Add {
        /// The client's slug.
        client: String,
        /// A name, unique for the client.
        name: String,
        query: String,
        /// off, instant, hourly or daily.
        #[arg(long, default_value = "off")]
        alert: String,
        /// E-mail addresses for the alerts, separated by commas.
        #[arg(long, default_value = "")]
        recipients: String,
    },
    /// List a client's queries with their matches.
    List {
        client: String,
        /// JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum FeedCommand {
    /// Parse a feed file (or fetch an http(s) address) and print the normalised feed as JSON.
    Parse {
        /// A file path, `-` for standard input, or an http(s) address.
        input: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Add a source to a client.
    Add {
        /// The client's slug.
        client: String,
        /// feed, bluesky or mastodon.
        #[arg(long, default_value = "feed")]
        kind: String,
        /// Feed address, or the Bluesky service / Mastodon instance address.
        #[arg(long, default_value = "")]
        url: String,
        /// Search terms, or `#hashtag` on Mastodon (social sources).
        #[arg(long, default_value = "")]
        query: String,
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List a client's sources and their health.
    List {
        client: String,
        /// JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Fetch a client's sources now (all of them, or one by id), whatever their schedule.
    Poll {
        client: String,
        /// One source id; default: every active source of the client.
        id: Option<i64>,
    },
    /// Add every feed of an OPML file (all or nothing).
    ImportOpml { client: String, file: PathBuf },
    /// Print the client's feeds as OPML.
    ExportOpml { client: String },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from FILROUGE_PASSWORD or asked on standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// owner, manager, community_manager (cm), analyst, client_reviewer
        #[arg(long)]
        role: String,
        /// Slugs of the clients the user belongs to (repeat the option).
        #[arg(long = "client")]
        clients: Vec<String>,
        /// Interface language: fr or en.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Set a user's password (read from FILROUGE_PASSWORD or standard input).
    Passwd {
        #[arg(long)]
        email: String,
    },
    /// List users.
    List {
        /// Print JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Import a workspace file (all or nothing).
    Import { file: PathBuf },
    /// Export every client and user as a workspace file (to standard output or --out).
    Export {
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration as TOML, secrets redacted.
    Print,
}

#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// Reads what every connected account received since the last sync (progress bar); each item is stored once.
    Sync {
        /// One client's slug; default: every client.
        #[arg(long)]
        client: Option<String>,
    },
    /// Lists inbox items in priority order, as JSON lines.
    List {
        /// One client's slug; default: every client.
        #[arg(long)]
        client: Option<String>,
        /// new, assigned, waiting or done; default: every open state.
        #[arg(long)]
        state: Option<String>,
        /// question, complaint, praise, spam or other.
        #[arg(long)]
        intent: Option<String>,
        /// reply, mention, quote, message or listening.
        #[arg(long)]
        kind: Option<String>,
        /// Also the items hidden by a rule or a teammate (spam).
        #[arg(long)]
        include_hidden: bool,
        /// At most this many items.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}
