//! The command line: what `ticket` accepts, with help and examples for every subcommand.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;
use ticket_app::{Guard, RefList, Version};

const EXAMPLES: &str = "\
Examples:
  ticket list --status all
  ticket search 'parser crash' --status open
  ticket --json show my-slug
  ticket create --title \"Fix the parser\" --label parser,bug --body \"Steps: ...\"
  ticket comment my-slug --role plan --file plan.md
  ticket edit my-slug --priority P1 --label-add urgent --replace \"- TBD\" --with \"- parses\"
  echo 'Looks good' | ticket review my-slug --approve
  ticket close my-slug --resolution \"Done in abc123\"
  ticket link my-slug --depends-on other-slug
  ticket ready --explain
  ticket claim my-slug --as agent-1 --ttl 30m
  ticket reopen done-one --reason \"It came back\"
  ticket doctor

Root: --root DIR, else $WORK_ITEMS_DIR, else the nearest work-items/ walking up from the current
directory (stopping at the repository root). Exit codes: 0 ok, 1 failure, 2 usage, 3 not found or
ambiguous, 4 locked or conflict, 5 claimed by another or lease lost, 6 nothing ready to claim.
See docs/cli.md and docs/claims.md.";

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
    /// Read --root as another tracker's tickets (orchestr8, ushabti, aticket), in place and read only.
    #[arg(long, global = true, value_name = "FORMAT", requires = "root")]
    pub root_format: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// `--if-version` and `--token`: flattened into every command that changes an existing ticket,
/// the ones [`Command::writes`] says write [`Writes::Ticket`].
#[derive(Debug, Clone, Default, Args)]
pub struct GuardArgs {
    /// Change the ticket only if it is still at this version (from `ticket --json show`); else
    /// fail with a conflict (exit 4) and write nothing.
    #[arg(long, value_name = "VERSION")]
    pub if_version: Option<String>,
    /// Write only while N is the token of the ticket's lease (from `ticket claim`); else fail
    /// (exit 5, lease_lost) and write nothing. See docs/claims.md.
    #[arg(long, value_name = "N")]
    pub token: Option<u64>,
}

const EDIT_HELP: &str = "\
Only the lines that change are rewritten, plus updated_at. The id and slug never change.
Kinds, priorities, readiness and --action-required values outside the documented ones are
refused as likely typos unless --allow-new. --set/--unset reach keys the format gives no
meaning; --unset on a typed key puts it back to its default.

Examples:
  ticket edit my-slug --title \"Parse CRLF files\" --priority P1
  ticket edit my-slug --label-add parser,urgent --label-rm triage --assignee ada
  ticket edit my-slug --readiness blocked --risk-flag-add data-loss --needs-preflight true
  ticket edit my-slug --ref-add commits=abc123 --ref-add urls=https://example.com/issue/7
  ticket edit my-slug --set owner_team=platform --unset legacy_note
  ticket edit my-slug --replace \"- TBD\" --with \"- parses CRLF\"
  ticket edit my-slug --body-file body.md --if-version \"$(ticket --json show my-slug | jq -r .version)\"";

/// `LIST=VALUE` of `--ref-add` and `--ref-rm`.
pub fn parse_ref(text: &str) -> Result<(RefList, String), String> {
    let (list, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not LIST=VALUE (e.g. commits=abc123)"))?;
    let list = match list {
        "file" | "files" => RefList::Files,
        "branch" | "branches" => RefList::Branches,
        "commit" | "commits" => RefList::Commits,
        "pod" | "pods" => RefList::Pods,
        "artifact" | "artifacts" => RefList::Artifacts,
        "url" | "urls" => RefList::Urls,
        other => {
            return Err(format!(
                "`{other}` is not a reference list: use files, branches, commits, pods, artifacts or urls"
            ));
        }
    };
    Ok((list, value.to_owned()))
}

/// `KEY=VALUE` of `--set`.
pub fn parse_set(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("`{text}` is not KEY=VALUE (e.g. owner_team=platform)"))
}

/// `ticket edit`'s arguments.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// A ticket id or slug.
    pub query: String,
    /// A new title (the id and slug stay).
    #[arg(long, allow_hyphen_values = true)]
    pub title: Option<String>,
    /// task, feature, bug, audit.
    #[arg(long)]
    pub kind: Option<String>,
    /// P0 (most urgent) to P4.
    #[arg(long)]
    pub priority: Option<String>,
    /// The whole list of labels, comma-separated, replacing them (`""` removes every one).
    #[arg(long, value_name = "A,B", conflicts_with_all = ["label_add", "label_rm"])]
    pub label: Option<String>,
    /// Labels to add, comma-separated (repeatable).
    #[arg(long, value_name = "A,B")]
    pub label_add: Vec<String>,
    /// Labels to remove, comma-separated (repeatable).
    #[arg(long, value_name = "A,B")]
    pub label_rm: Vec<String>,
    /// Assign it to NAME.
    #[arg(long, value_name = "NAME", conflicts_with = "unassign")]
    pub assignee: Option<String>,
    /// Assign nobody (`assignee: null`).
    #[arg(long)]
    pub unassign: bool,
    /// implementation_ready, requirements_sync_needed, spike_needed, blocked, unspecified.
    #[arg(long)]
    pub readiness: Option<String>,
    /// Whether a preflight is needed (`false` removes the key).
    #[arg(long, value_name = "true|false")]
    pub needs_preflight: Option<bool>,
    /// Risk flags to add, comma-separated (repeatable).
    #[arg(long, value_name = "A,B")]
    pub risk_flag_add: Vec<String>,
    /// Risk flags to remove, comma-separated (repeatable).
    #[arg(long, value_name = "A,B")]
    pub risk_flag_rm: Vec<String>,
    /// Who must act next: none, implementer, reviewer, human (`--unset action_required`
    /// derives it from the thread again).
    #[arg(long, value_name = "WHO")]
    pub action_required: Option<String>,
    /// The ticket's id in a tracker it came from (`legacy_ticket`).
    #[arg(long, value_name = "ID")]
    pub legacy_ticket: Option<String>,
    /// A reference to add: LIST=VALUE, LIST one of files, branches, commits, pods, artifacts,
    /// urls (repeatable).
    #[arg(long, value_name = "LIST=VALUE", value_parser = parse_ref)]
    pub ref_add: Vec<(RefList, String)>,
    /// A reference to remove: LIST=VALUE (repeatable).
    #[arg(long, value_name = "LIST=VALUE", value_parser = parse_ref)]
    pub ref_rm: Vec<(RefList, String)>,
    /// Set a key the format gives no meaning (repeatable); unknown keys stay where they are.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_set, allow_hyphen_values = true)]
    pub set: Vec<(String, String)>,
    /// Remove a key (repeatable).
    #[arg(long, value_name = "KEY")]
    pub unset: Vec<String>,
    /// The whole body, as one text (a line break is added).
    #[arg(long, allow_hyphen_values = true, conflicts_with_all = ["body_file", "replace"])]
    pub body: Option<String>,
    /// The whole body from a file (`-` for standard input), byte for byte.
    #[arg(long, value_name = "FILE", conflicts_with = "replace")]
    pub body_file: Option<PathBuf>,
    /// Text of the body to replace, exactly; it must occur once (or use --all).
    #[arg(
        long,
        value_name = "OLD",
        allow_hyphen_values = true,
        requires = "with"
    )]
    pub replace: Option<String>,
    /// What replaces it.
    #[arg(
        long,
        value_name = "NEW",
        allow_hyphen_values = true,
        requires = "replace"
    )]
    pub with: Option<String>,
    /// Replace every occurrence.
    #[arg(long, requires = "replace")]
    pub all: bool,
    /// Who edits (the edit event's author). Default: $USER.
    #[arg(long)]
    pub author: Option<String>,
    /// Accept a kind, priority, readiness or action outside the documented ones.
    #[arg(long)]
    pub allow_new: bool,
    #[command(flatten)]
    pub guard: GuardArgs,
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
        /// Only tickets someone holds a live lease on (docs/claims.md).
        #[arg(long, conflicts_with = "unclaimed")]
        claimed: bool,
        /// Only tickets nobody holds a live lease on.
        #[arg(long)]
        unclaimed: bool,
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
        after_help = "Kinds: task, feature, bug, audit. Priorities: P0 (most urgent) to P4. Others are refused as \
likely typos unless --allow-new.\n\nExamples:\n  ticket create --title \"Fix the parser\"\n  ticket create --title \"Ship it\" --slug ship --kind feature --priority P1 --label a,b\n  ticket create --title \"Crash on save\" --kind bug --assignee ada --body \"Steps to reproduce: ...\"\n  ticket create --title \"Spec\" --file spec.md\n  git log -1 --format=%B | ticket create --title \"Follow-up\""
    )]
    Create {
        #[arg(long, allow_hyphen_values = true)]
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
        /// The body, as one text (a line break is added). Default: --file, else standard input
        /// when it is not a terminal, else the template.
        #[arg(long, short = 'm', allow_hyphen_values = true, conflicts_with = "file")]
        body: Option<String>,
        /// Body file (`-` for standard input). An empty body gives the template.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Assign it to NAME.
        #[arg(long, value_name = "NAME")]
        assignee: Option<String>,
        /// Who creates it (the create event's author). Default: $USER.
        #[arg(long)]
        author: Option<String>,
        /// Accept a kind or priority outside the documented ones.
        #[arg(long)]
        allow_new: bool,
    },
    /// Append an event (comment, plan, decision, implementation_report, ...) to a ticket's thread.
    #[command(
        after_help = "Roles: comment, plan, decision, implementation_report, migration, fix. Others are refused as \
likely typos unless --allow-new.\n\nExamples:\n  ticket comment my-slug -m \"Looked at it\"\n  ticket comment my-slug --file notes.md\n  echo 'Plan: ...' | ticket comment my-slug --role plan --author planner"
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
        /// The body, as one text (a line break is added).
        #[arg(long, short = 'm', allow_hyphen_values = true, conflicts_with = "file")]
        body: Option<String>,
        /// Body file (`-` for standard input). Default: standard input when it is not a terminal.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Accept a role outside the documented ones.
        #[arg(long)]
        allow_new: bool,
        #[command(flatten)]
        guard: GuardArgs,
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
        /// The review's text, as one text (a line break is added).
        #[arg(long, short = 'm', allow_hyphen_values = true, conflicts_with = "file")]
        body: Option<String>,
        /// The review's text from a file (`-` for standard input). Default: standard input when
        /// it is not a terminal.
        #[arg(long)]
        file: Option<PathBuf>,
        #[command(flatten)]
        guard: GuardArgs,
    },
    /// Move a ticket to open, pending or closed, recorded as a status event.
    #[command(
        after_help = "A closed ticket is not moved to closed again: reopen it first.\n\nExamples:\n  ticket status my-slug pending\n  ticket status my-slug open --reason \"Waiting on review\""
    )]
    Status {
        /// A ticket id or slug.
        #[arg(add = ArgValueCompleter::new(crate::complete::tickets))]
        query: String,
        #[arg(value_enum)]
        status: TargetStatus,
        /// Why, recorded in the status event.
        #[arg(long, allow_hyphen_values = true)]
        reason: Option<String>,
        /// Who moves it. Default: $USER.
        #[arg(long)]
        author: Option<String>,
        #[command(flatten)]
        guard: GuardArgs,
    },
    /// Close a ticket: resolution.md plus a close event. A closed ticket is refused: reopen it first.
    #[command(
        after_help = "Examples:\n  ticket close my-slug --resolution \"Done\"\n  ticket close my-slug --file resolution.md"
    )]
    Close {
        /// A ticket id or slug.
        #[arg(add = ArgValueCompleter::new(crate::complete::tickets))]
        query: String,
        /// The resolution, as one text (a line break is added); also `--body`, `-m`.
        #[arg(
            long,
            short = 'm',
            visible_alias = "body",
            allow_hyphen_values = true,
            conflicts_with = "file"
        )]
        resolution: Option<String>,
        /// The resolution from a file (`-` for standard input). Default: standard input when it
        /// is not a terminal, else "Closed.".
        #[arg(long)]
        file: Option<PathBuf>,
        #[command(flatten)]
        guard: GuardArgs,
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
        #[command(flatten)]
        guard: GuardArgs,
    },
    /// Remove a relation a ticket stores: exactly one of the relation flags.
    #[command(after_help = "Examples:\n  ticket unlink waiting --depends-on other-slug")]
    Unlink {
        /// A ticket id, slug or unique prefix: the ticket that stores the link.
        #[arg(add = ArgValueCompleter::new(crate::complete::tickets))]
        query: String,
        #[command(flatten)]
        relation: OneRelation,
        #[command(flatten)]
        guard: GuardArgs,
    },
    /// List the open tickets that can be started now, best first (priority, then oldest).
    #[command(
        after_help = "Examples:\n  ticket ready\n  ticket ready --explain\n  ticket --json ready --explain\n  ticket ready --claim --as agent-1\n\nReady: open, readiness not blocked, every depends_on target closed (a closed duplicate\nor superseded ticket counts as the ticket it points to), no blocked ancestor, on no cycle.\nNot claimed: nobody holds a live lease on it (docs/claims.md). See docs/format.md,\n\"Relations and readiness\"."
    )]
    Ready {
        /// Also say why each other open ticket is not ready, and list the cycles.
        #[arg(long)]
        explain: bool,
        #[command(flatten)]
        claim: crate::claim::ReadyClaimArgs,
    },
    /// List the open tickets that are not ready, with what blocks each.
    #[command(after_help = "Examples:\n  ticket blocked\n  ticket --json blocked")]
    Blocked,
    /// Move a closed ticket back to open, recorded as a status event (its resolution stays).
    #[command(
        after_help = "Examples:\n  ticket reopen done-one\n  ticket reopen done-one --reason \"The fix did not hold\""
    )]
    Reopen {
        /// A ticket id or slug.
        #[arg(add = ArgValueCompleter::new(crate::complete::tickets))]
        query: String,
        /// Why, recorded in the status event.
        #[arg(long, allow_hyphen_values = true)]
        reason: Option<String>,
        /// Who reopens it. Default: $USER.
        #[arg(long)]
        author: Option<String>,
        #[command(flatten)]
        guard: GuardArgs,
    },
    /// Edit a ticket's fields and body, recorded as one edit event (old and new values).
    #[command(after_help = EDIT_HELP)]
    Edit(Box<EditArgs>),
    /// Check the root for problems; `--fix` repairs only the unambiguous ones.
    #[command(
        after_help = "Examples:\n  ticket doctor\n  ticket --json doctor\n  ticket doctor --fix"
    )]
    Doctor {
        #[arg(long)]
        fix: bool,
    },
    /// Import another tracker's tickets into the root (again: brings them up to date).
    #[command(
        after_help = "Examples:\n  ticket export --to orchestr8 o8 && ticket import --from orchestr8 o8\n  ticket export --to ushabti proj/.ushabti/tickets && ticket import --from ushabti proj\n  ticket export --to aticket at/tickets && ticket --json import --from aticket at\n\nPATH is the project (holding .orchestr8/tickets, .ushabti/tickets or tickets/) or that\ndirectory. Formats, and what each keeps: docs/formats.md."
    )]
    Import {
        /// orchestr8, ushabti or aticket.
        #[arg(long, value_name = "FORMAT")]
        from: String,
        /// The project (holding .orchestr8/, .ushabti/ or tickets/) or its tickets directory.
        path: PathBuf,
    },
    /// Export tickets (all, or those named) as another tracker's files; never overwrites one.
    #[command(
        after_help = "Examples:\n  ticket export --to orchestr8 out/.orchestr8/tickets\n  ticket export --to ushabti out my-slug\n  ticket --json export --to aticket agent-tickets/tickets"
    )]
    Export {
        /// orchestr8, ushabti or aticket.
        #[arg(long, value_name = "FORMAT")]
        to: String,
        /// The directory to write into (created when missing).
        path: PathBuf,
        /// Ids or slugs of the tickets to export (default: every ticket).
        tickets: Vec<String>,
    },
    /// Search every ticket's title, body, events and resolution; best match first, one line a hit.
    #[command(
        after_help = "Query: words (all must match, case and accents ignored), \"quoted phrases\", prefix* terms;\nJapanese and Chinese are found inside runs of characters. Lines: score, status, id, field, title, snippet.\n\nExamples:\n  ticket search parser crash\n  ticket search '\"lock timeout\"' --status closed\n  ticket search 'pars*' --event-kind decision --limit 5\n  ticket --json search 永続化"
    )]
    Search(SearchArgs),
    /// Print a shell completion script (it completes ticket ids and slugs too, by asking `ticket`).
    #[command(after_help = "Examples:\n  ticket completions bash > /etc/bash_completion.d/ticket")]
    Completions { shell: clap_complete::Shell },
    /// What changed since a cursor, whichever tool changed it (docs/feed.md).
    #[command(
        after_help = "Without --since: nothing, and the current cursor. With --since C (a cursor an earlier answer\ngave, in any process): one line per ticket that changed since, `<kinds>\\t<status>\\t<id>`\n(kinds: created, moved, edited, events_appended, thread_rewritten, resolution_written,\nremoved), then `cursor: <next>`. A cursor it cannot answer is refused (exit 2, `cursor`).\n\nExamples:\n  ticket changes\n  ticket --json changes"
    )]
    Changes {
        /// The cursor an earlier answer gave.
        #[arg(long, value_name = "CURSOR")]
        since: Option<String>,
    },
    /// Print the JSON Schema of a `--json` document; without NAME, list the documents.
    #[command(
        after_help = "Every --json output and error is one of these documents (draft 2020-12 schemas generated from\nthe types that print them; docs/cli.md, \"JSON\").\n\nExamples:\n  ticket schema\n  ticket schema show > show.schema.json\n  ticket --json schema"
    )]
    Schema {
        /// The document: show, list, ready, blocked, create, claim, search, doctor, sync, init,
        /// import, export, error, schema.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(ticket_app::wire::DOCUMENTS.iter().map(|d| d.name)), hide_possible_values = true)]
        name: Option<String>,
    },
    /// Make the root ready for git: status directories kept, local files ignored, merge drivers.
    #[command(
        after_help = "Creates the root if needed, an empty .gitkeep in open/, pending/ and closed/, a .gitignore of\nthe root's local files (.lock, .tmp/, .index/, .leases/), a .gitattributes routing thread.md and\nitem.md to the merge drivers, and configures the drivers in this clone's git config (they run\nthis very binary, by its absolute path). Idempotent; run it again in every new clone.\n\nExamples:\n  ticket init\n  ticket init work-items"
    )]
    Init {
        /// The root (default: the root found as for other commands, else ./work-items).
        dir: Option<std::path::PathBuf>,
    },
    /// Commit the root's changes, fetch, merge with the drivers, repair, and push.
    #[command(
        after_help = "Works from any worktree, on its branch. Retries when the remote moved before the push.\nA conflict outside the tickets stops it (exit 8) with the merge undone and your commits kept.\n\nExamples:\n  ticket sync\n  ticket sync --remote upstream"
    )]
    Sync {
        #[arg(long, default_value = "origin")]
        remote: String,
    },
    /// git's merge driver for thread.md and item.md (configured by `ticket init`).
    #[command(hide = true)]
    MergeDriver {
        #[arg(value_enum)]
        which: DriverWhich,
        /// %O: the merge base's version.
        base: std::path::PathBuf,
        /// %A: ours; the result is written here.
        ours: std::path::PathBuf,
        /// %B: theirs.
        theirs: std::path::PathBuf,
        /// %P: the file's path in the tree.
        path: Option<String>,
        /// The merge base commit, for files git gives no base (added on both sides).
        #[arg(long)]
        base_rev: Option<String>,
    },
    /// Claim a ticket: a lease with a fencing token and an expiry; one claimer wins.
    #[command(after_help = crate::claim::CLAIM_HELP)]
    Claim(crate::claim::ClaimArgs),
    /// Renew the lease of a token: a later expiry (no tracked file changes).
    #[command(after_help = crate::claim::RENEW_HELP)]
    Renew(crate::claim::RenewArgs),
    /// Release the lease of a token, recorded as a release event.
    #[command(after_help = crate::claim::RELEASE_HELP)]
    Release(crate::claim::ReleaseArgs),
}

impl GuardArgs {
    /// The guard the use cases take: the flags as they were given.
    pub fn guard(&self) -> Guard {
        Guard {
            if_version: self.if_version.clone().map(Version::new),
            token: self.token,
        }
    }
}

/// What a command writes (docs/cli.md, "Guards").
#[derive(Debug)]
pub enum Writes<'a> {
    /// Nothing in the root: reads, and files outside it (`export`, `completions`,
    /// `merge-driver`, which writes the file git names).
    Nothing,
    /// One existing ticket, under the guard of its flags.
    Ticket(&'a GuardArgs),
    /// A new ticket: no version to expect and no lease to hold yet.
    NewTicket,
    /// A lease, and the `claim` or `release` event that records it: the token is what these
    /// commands act on, not a condition of them.
    Lease,
    /// Many tickets or the root itself, which no one version or lease names.
    Root,
}

impl Command {
    /// What this command writes. Every variant is named, with no wildcard: a new command does
    /// not compile until it says, and one that writes an existing ticket must carry a
    /// [`GuardArgs`] to return, which `commands::run` hands to its use case.
    pub fn writes(&self) -> Writes<'_> {
        match self {
            Command::Comment { guard, .. }
            | Command::Review { guard, .. }
            | Command::Status { guard, .. }
            | Command::Close { guard, .. }
            | Command::Reopen { guard, .. }
            | Command::Link { guard, .. }
            | Command::Unlink { guard, .. } => Writes::Ticket(guard),
            Command::Edit(args) => Writes::Ticket(&args.guard),
            Command::Create { .. } => Writes::NewTicket,
            Command::Claim(_) | Command::Renew(_) | Command::Release(_) => Writes::Lease,
            Command::Ready { claim, .. } if claim.claim => Writes::Lease,
            Command::Init { .. } | Command::Import { .. } | Command::Sync { .. } => Writes::Root,
            Command::Doctor { fix: true } => Writes::Root,
            Command::Doctor { fix: false }
            | Command::Ready { .. }
            | Command::List { .. }
            | Command::Show { .. }
            | Command::Blocked
            | Command::Export { .. }
            | Command::Search(_)
            | Command::Completions { .. }
            | Command::Schema { .. }
            | Command::Changes { .. }
            | Command::MergeDriver { .. } => Writes::Nothing,
        }
    }
}

/// Which file `merge-driver` merges.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DriverWhich {
    Thread,
    Item,
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
