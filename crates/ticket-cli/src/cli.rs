//! The command line: what `ticket` accepts, with help and examples for every subcommand.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  ticket list --status all
  ticket search 'parser crash' --status open
  ticket --json show my-slug
  ticket create --title \"Fix the parser\" --label parser,bug
  ticket comment my-slug --role plan --file plan.md
  echo 'Looks good' | ticket review my-slug --approve
  ticket close my-slug --resolution \"Done in abc123\"
  ticket doctor

Root: --root DIR, else $WORK_ITEMS_DIR, else the nearest work-items/ walking up from the current
directory (stopping at the repository root). Exit codes: 0 ok, 1 failure, 2 usage, 3 not found or
ambiguous, 4 locked or conflict. See docs/cli.md.";

#[derive(Debug, Parser)]
// `term_width = 0`: help is laid out as written, whatever clap features another crate of the
// workspace turns on (divan enables `wrap_help`, which would wrap at the terminal width).
#[command(name = "ticket", version, about = "File-backed tickets in work-items/: a drop-in for tickets.sh, with --json for agents.", after_help = EXAMPLES, term_width = 0)]
pub struct Cli {
    /// Print every result as JSON (errors as {"error": {...}} on stderr).
    #[arg(long, global = true)]
    pub json: bool,
    /// The ticket root (default: $WORK_ITEMS_DIR, else the nearest work-items/).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    Open,
    Pending,
    Closed,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetStatus {
    Open,
    Pending,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    /// Status, then id (the shell tool's order).
    Id,
    /// Most recently updated first.
    Updated,
    /// Priority (P0 first), then id.
    Priority,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List tickets as TSV: status, id, slug, title, kind, priority, updated_at.
    #[command(
        after_help = "Examples:\n  ticket list\n  ticket list --status all --label parser\n  ticket --json list --action-required reviewer"
    )]
    List {
        /// Default: open; with --action-required, every unclosed ticket (open and pending).
        #[arg(long, value_enum)]
        status: Option<StatusFilter>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        priority: Option<String>,
        /// Only tickets carrying this label.
        #[arg(long)]
        label: Option<String>,
        #[arg(long)]
        assignee: Option<String>,
        /// Only tickets whose next move is this one's: implementer, reviewer, human, none.
        #[arg(long, value_name = "WHO")]
        action_required: Option<String>,
        /// Sort differently from the shell tool's status-then-id order.
        #[arg(long, value_enum)]
        sort: Option<SortKey>,
    },
    /// Show a ticket: header, item.md and the end of thread.md (about 80 lines, whole events).
    #[command(
        after_help = "Examples:\n  ticket show my-slug\n  ticket show --full my-slug\n  ticket --json show 20260527-000001-example"
    )]
    Show {
        /// A ticket id or slug.
        query: String,
        /// The whole thread, not only its end.
        #[arg(long)]
        full: bool,
    },
    /// Create a ticket and print its id.
    #[command(
        after_help = "Examples:\n  ticket create --title \"Fix the parser\"\n  ticket create --title \"Ship it\" --slug ship --kind feature --priority P1 --label a,b"
    )]
    Create {
        #[arg(long)]
        title: String,
        #[arg(long)]
        slug: Option<String>,
        #[arg(long, default_value = "task")]
        kind: String,
        #[arg(long, default_value = "P2")]
        priority: String,
        /// Comma-separated labels.
        #[arg(long)]
        label: Option<String>,
    },
    /// Append an event (comment, plan, decision, implementation_report, ...) to a ticket's thread.
    #[command(
        after_help = "Examples:\n  ticket comment my-slug --file notes.md\n  echo 'Plan: ...' | ticket comment my-slug --role plan --author planner"
    )]
    Comment {
        /// A ticket id or slug.
        query: String,
        #[arg(long, default_value = "comment")]
        role: String,
        /// Default: $USER.
        #[arg(long)]
        author: Option<String>,
        /// Body file (`-` for standard input). Default: standard input when it is not a terminal.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Append a review with a verdict.
    #[command(group(ArgGroup::new("verdict").required(true).args(["approve", "request_changes"])))]
    #[command(
        after_help = "Examples:\n  ticket review my-slug --approve --file review.md\n  ticket review my-slug --request-changes --author reviewer < notes.md"
    )]
    Review {
        /// A ticket id or slug.
        query: String,
        #[arg(long)]
        approve: bool,
        #[arg(long)]
        request_changes: bool,
        #[arg(long)]
        author: Option<String>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Move a ticket to open, pending or closed.
    #[command(
        after_help = "Examples:\n  ticket status my-slug pending\n  ticket status my-slug open"
    )]
    Status {
        /// A ticket id or slug.
        query: String,
        #[arg(value_enum)]
        status: TargetStatus,
    },
    /// Close a ticket: resolution.md plus a close event.
    #[command(
        after_help = "Examples:\n  ticket close my-slug --resolution \"Done\"\n  ticket close my-slug --file resolution.md"
    )]
    Close {
        /// A ticket id or slug.
        query: String,
        #[arg(long, conflicts_with = "file")]
        resolution: Option<String>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Check the root for problems; `--fix` repairs only the unambiguous ones.
    #[command(
        after_help = "Examples:\n  ticket doctor\n  ticket --json doctor\n  ticket doctor --fix"
    )]
    Doctor {
        #[arg(long)]
        fix: bool,
    },
    /// Search every ticket's title, body, events and resolution; best match first, one line a hit.
    #[command(
        after_help = "Query: words (all must match, case and accents ignored), \"quoted phrases\", prefix* terms;\nJapanese and Chinese are found inside runs of characters. Lines: score, status, id, field, title, snippet.\n\nExamples:\n  ticket search parser crash\n  ticket search '\"lock timeout\"' --status closed\n  ticket search 'pars*' --event-kind decision --limit 5\n  ticket --json search 永続化"
    )]
    Search(SearchArgs),
    /// Print a shell completion script.
    #[command(after_help = "Examples:\n  ticket completions bash > /etc/bash_completion.d/ticket")]
    Completions { shell: clap_complete::Shell },
}

/// `ticket search`'s arguments.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words, "quoted phrases" and prefix* terms; every one must match.
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Default: all.
    #[arg(long, value_enum)]
    pub status: Option<StatusFilter>,
    /// Only tickets carrying this label.
    #[arg(long)]
    pub label: Option<String>,
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long)]
    pub assignee: Option<String>,
    /// Search only events of this kind (comment, plan, decision, review, ...).
    #[arg(long, value_name = "KIND")]
    pub event_kind: Option<String>,
    /// At most this many hits.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,
    /// Read every ticket instead of the index (same hits, same order; slower).
    #[arg(long)]
    pub no_index: bool,
}
