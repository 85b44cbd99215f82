//! The command line: what `ticket` accepts, with help and examples for every subcommand.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

const EXAMPLES: &str = "\
Examples:
  ticket list --status all
  ticket --json show my-slug
  ticket create --title \"Fix the parser\" --label parser,bug
  ticket comment my-slug --role plan --file plan.md
  echo 'Looks good' | ticket review my-slug --approve
  ticket close my-slug --resolution \"Done in abc123\"
  ticket link my-slug --depends-on other-slug
  ticket ready --explain
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
        after_help = "Examples:\n  ticket list\n  ticket list --status all --label parser\n  ticket list --columns +assignee,labels --assignee none\n  ticket --json list --action-required reviewer"
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
        /// Only tickets assigned to this name; `none`: tickets nobody is assigned to.
        #[arg(long)]
        assignee: Option<String>,
        /// Only tickets whose next move is this one's: implementer, reviewer, human, none.
        #[arg(long, value_name = "WHO")]
        action_required: Option<String>,
        /// Sort differently from the shell tool's status-then-id order.
        #[arg(long, value_enum)]
        sort: Option<SortKey>,
        /// TSV columns: `a,b` exactly these, `+a,b` the default ones then these. Names: status,
        /// id, slug, title, kind, priority, created_at, updated_at, assignee, labels, readiness,
        /// legacy_ticket.
        #[arg(long, value_name = "LIST", value_parser = crate::human::Column::parse_list)]
        columns: Option<crate::human::Columns>,
    },
    /// Show a ticket: header, item.md and the end of thread.md (about 80 lines, whole events).
    #[command(
        after_help = "Examples:\n  ticket show my-slug\n  ticket show --full my-slug\n  ticket --json show 20260527-000001-example"
    )]
    Show {
        /// A ticket id or slug.
        #[arg(add = ArgValueCompleter::new(crate::complete::tickets))]
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
        #[command(flatten)]
        relations: CreateRelations,
    },
    /// Append an event (comment, plan, decision, implementation_report, ...) to a ticket's thread.
    #[command(
        after_help = "Examples:\n  ticket comment my-slug --file notes.md\n  echo 'Plan: ...' | ticket comment my-slug --role plan --author planner"
    )]
    Comment {
        /// A ticket id or slug.
        #[arg(add = ArgValueCompleter::new(crate::complete::tickets))]
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
        #[arg(add = ArgValueCompleter::new(crate::complete::tickets))]
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
        #[arg(add = ArgValueCompleter::new(crate::complete::tickets))]
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
        #[arg(add = ArgValueCompleter::new(crate::complete::tickets))]
        query: String,
        #[arg(long, conflicts_with = "file")]
        resolution: Option<String>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Add a relation from a ticket to another: exactly one of the relation flags.
    #[command(
        after_help = "Examples:\n  ticket link my-slug --depends-on other-slug\n  ticket link child --parent epic\n  ticket link new-one --supersedes 20260101-000000-old\n\nRefused: a link to the ticket itself, to a ticket that does not exist (unless\n--allow-missing), and a depends_on or parent link that would close a cycle."
    )]
    Link {
        /// A ticket id, slug or unique prefix: the ticket that stores the link.
        #[arg(add = ArgValueCompleter::new(crate::complete::tickets))]
        query: String,
        #[command(flatten)]
        relation: OneRelation,
        /// Store the link even when no ticket is named so (the id must be valid).
        #[arg(long)]
        allow_missing: bool,
    },
    /// Remove a relation a ticket stores: exactly one of the relation flags.
    #[command(after_help = "Examples:\n  ticket unlink waiting --depends-on other-slug")]
    Unlink {
        /// A ticket id, slug or unique prefix: the ticket that stores the link.
        #[arg(add = ArgValueCompleter::new(crate::complete::tickets))]
        query: String,
        #[command(flatten)]
        relation: OneRelation,
    },
    /// List the open tickets that can be started now, best first (priority, then oldest).
    #[command(
        after_help = "Examples:\n  ticket ready\n  ticket ready --explain\n  ticket --json ready --explain\n\nReady: open, readiness not blocked, every depends_on target closed (a closed duplicate\nor superseded ticket counts as the ticket it points to), no blocked ancestor, on no cycle.\nSee docs/format.md, \"Relations and readiness\"."
    )]
    Ready {
        /// Also say why each other open ticket is not ready, and list the cycles.
        #[arg(long)]
        explain: bool,
    },
    /// List the open tickets that are not ready, with what blocks each.
    #[command(after_help = "Examples:\n  ticket blocked\n  ticket --json blocked")]
    Blocked,
    /// Check the root for problems; `--fix` repairs only the unambiguous ones.
    #[command(
        after_help = "Examples:\n  ticket doctor\n  ticket --json doctor\n  ticket doctor --fix"
    )]
    Doctor {
        #[arg(long)]
        fix: bool,
    },
    /// Print a shell completion script (it completes ticket ids and slugs too, by asking `ticket`).
    #[command(after_help = "Examples:\n  ticket completions bash > /etc/bash_completion.d/ticket")]
    Completions { shell: clap_complete::Shell },
}

/// The relation flags of `create`: each repeatable, each value an id, slug or unique prefix.
#[derive(Debug, Clone, Default, Args)]
pub struct CreateRelations {
    /// A ticket the new one depends on (repeatable).
    #[arg(long, value_name = "TICKET")]
    pub depends_on: Vec<String>,
    /// The new ticket's parent (repeatable).
    #[arg(long, value_name = "TICKET")]
    pub parent: Vec<String>,
    /// A related ticket (repeatable).
    #[arg(long, value_name = "TICKET")]
    pub related: Vec<String>,
    /// The ticket the new one duplicates (repeatable).
    #[arg(long, value_name = "TICKET")]
    pub duplicate_of: Vec<String>,
    /// A ticket the new one supersedes (repeatable).
    #[arg(long, value_name = "TICKET")]
    pub supersedes: Vec<String>,
    /// Store a relation even when no ticket is named so (the id must be valid).
    #[arg(long)]
    pub allow_missing: bool,
}

/// Exactly one relation flag, for `link` and `unlink`.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false)]
pub struct OneRelation {
    /// The ticket depends on TICKET: it is not ready until TICKET is closed.
    #[arg(long, value_name = "TICKET")]
    pub depends_on: Option<String>,
    /// TICKET is the ticket's parent: a blocked ancestor blocks it.
    #[arg(long, value_name = "TICKET")]
    pub parent: Option<String>,
    /// The ticket is related to TICKET (no effect on readiness).
    #[arg(long, value_name = "TICKET")]
    pub related: Option<String>,
    /// The ticket duplicates TICKET.
    #[arg(long, value_name = "TICKET")]
    pub duplicate_of: Option<String>,
    /// The ticket supersedes TICKET.
    #[arg(long, value_name = "TICKET")]
    pub supersedes: Option<String>,
}
