//! What each subcommand does: its arguments made into a use-case request, the answer rendered.

use std::io::Write;

use ticket_app::{
    App, Assign, BodyText, Changed, CloseRequest, CloseText, CommentRequest, CreateRequest,
    EditRequest, ListRequest, Listed, ReopenRequest, Replacement, ReviewRequest, ReviewVerdict,
    Sort, StatusRequest, TicketStatus, Version,
};

use crate::body;
use crate::cli::{Command, EditArgs, Guard, SortKey, StatusFilter, TargetStatus};
use crate::error::CliError;
use crate::human;
use crate::json;
use crate::output::Out;

pub fn run(command: Command, app: &App, out: &mut Out) -> Result<(), CliError> {
    match command {
        Command::List {
            status,
            kind,
            priority,
            label,
            assignee,
            action_required,
            sort,
        } => {
            let statuses = match status {
                StatusFilter::All => Vec::new(),
                StatusFilter::Open => vec![TicketStatus::Open],
                StatusFilter::Pending => vec![TicketStatus::Pending],
                StatusFilter::Closed => vec![TicketStatus::Closed],
            };
            let request = ListRequest {
                statuses,
                kind,
                priority,
                label,
                assignee,
                action_required,
                sort: match sort {
                    None | Some(SortKey::Id) => Sort::Id,
                    Some(SortKey::Updated) => Sort::Updated,
                    Some(SortKey::Priority) => Sort::Priority,
                },
            };
            list(app, out, &request)
        }
        Command::Show { query } => show(app, out, &query),
        Command::Create {
            title,
            slug,
            kind,
            priority,
            label,
            body,
            file,
            assignee,
            author,
            allow_new,
        } => {
            let body = match body {
                Some(line) => Some(BodyText::Line(line)),
                None => body::read(file.as_deref())?.map(BodyText::Verbatim),
            };
            let created = app.create(CreateRequest {
                title,
                slug,
                kind: Some(kind),
                priority: Some(priority),
                labels: label.into_iter().collect(),
                body,
                author,
                assignee,
                allow_new,
            })?;
            let t = &created.ticket;
            if out.json {
                out.json(&json::Created {
                    id: t.id.as_str(),
                    slug: t.slug.as_str(),
                    path: created.path.clone(),
                })
            } else {
                out.text(&format!("{}\n", t.id))
            }
        }
        Command::Comment {
            query,
            role,
            author,
            file,
            allow_new,
            guard,
        } => {
            let body = body::read(file.as_deref())?;
            let changed = app.comment(CommentRequest {
                query,
                role,
                author,
                body,
                if_version: version(guard),
                allow_new,
            })?;
            mutated(out, &changed)
        }
        Command::Review {
            query,
            approve,
            author,
            file,
            guard,
            ..
        } => {
            let body = body::read(file.as_deref())?;
            let verdict = if approve {
                ReviewVerdict::Approve
            } else {
                ReviewVerdict::RequestChanges
            };
            let changed = app.review(ReviewRequest {
                query,
                verdict,
                author,
                body,
                if_version: version(guard),
            })?;
            mutated(out, &changed)
        }
        Command::Status {
            query,
            status,
            reason,
            author,
            guard,
        } => {
            let to = match status {
                TargetStatus::Open => TicketStatus::Open,
                TargetStatus::Pending => TicketStatus::Pending,
                TargetStatus::Closed => TicketStatus::Closed,
            };
            let changed = app.set_status(StatusRequest {
                query,
                to,
                if_version: version(guard),
                author,
                reason,
            })?;
            mutated(out, &changed)
        }
        Command::Reopen {
            query,
            reason,
            author,
            guard,
        } => {
            let changed = app.reopen(ReopenRequest {
                query,
                author,
                reason,
                if_version: version(guard),
            })?;
            mutated(out, &changed)
        }
        Command::Edit(args) => {
            let changed = app.edit(edit_request(*args)?)?;
            mutated(out, &changed)
        }
        Command::Close {
            query,
            resolution,
            file,
            guard,
        } => {
            let text = match (&file, resolution) {
                (Some(f), _) => CloseText::Verbatim(body::read_file(f)?),
                (None, Some(line)) => CloseText::Line(line),
                (None, None) => CloseText::Default,
            };
            let changed = app.close(CloseRequest {
                query,
                text,
                author: None,
                if_version: version(guard),
            })?;
            mutated(out, &changed)
        }
        Command::Doctor { fix } => crate::doctor::run(app, fix, out),
        // Printed by main before any root is resolved: completions need no tickets.
        Command::Completions { .. } => Ok(()),
    }
}

fn version(guard: Guard) -> Option<Version> {
    guard.if_version.map(Version::new)
}

/// `ticket edit`'s arguments as the use case's request; the body files are read here.
fn edit_request(a: EditArgs) -> Result<EditRequest, CliError> {
    let body = match (a.body, a.body_file) {
        (Some(line), _) => Some(BodyText::Line(line)),
        (None, Some(file)) => Some(BodyText::Verbatim(body::read_file(&file)?)),
        (None, None) => None,
    };
    let assignee = match (a.assignee, a.unassign) {
        (Some(who), _) => Some(Assign::To(who)),
        (None, true) => Some(Assign::Nobody),
        (None, false) => None,
    };
    let replace = a.replace.map(|old| Replacement {
        old,
        new: a.with.unwrap_or_default(),
        all: a.all,
    });
    Ok(EditRequest {
        query: a.query,
        author: a.author,
        title: a.title,
        kind: a.kind,
        priority: a.priority,
        labels_add: a.label_add,
        labels_remove: a.label_rm,
        assignee,
        readiness: a.readiness,
        needs_preflight: a.needs_preflight,
        risk_flags_add: a.risk_flag_add,
        risk_flags_remove: a.risk_flag_rm,
        action_required: a.action_required,
        legacy_ticket: a.legacy_ticket,
        refs_add: a.ref_add,
        refs_remove: a.ref_rm,
        set: a.set,
        unset: a.unset,
        body,
        replace,
        allow_new: a.allow_new,
        if_version: version(a.guard),
    })
}

fn mutated(out: &mut Out, changed: &Changed) -> Result<(), CliError> {
    if !out.json {
        return Ok(());
    }
    out.json(&json::Show::new(&changed.ticket, changed.path.clone()))
}

fn list(app: &App, out: &mut Out, request: &ListRequest) -> Result<(), CliError> {
    if out.json {
        let mut entries = Vec::new();
        app.list(request, |item| {
            match item {
                Listed::Ticket(entry) => entries.push(entry),
                Listed::Skipped(d) => {
                    let _ = out.warn(&skipped(&d));
                }
            }
            true
        })?;
        let items: Vec<_> = entries
            .iter()
            .map(|e| json::ListItem::new(&e.summary, e.path.clone()))
            .collect();
        return out.json(&items);
    }
    // Printed as it is read: memory stays flat however large the root.
    let mut rows = out.stream();
    rows.write(human::LIST_HEADER)?;
    let mut failed = None;
    app.list(request, |item| {
        let written = match item {
            Listed::Ticket(entry) => rows.write(&human::list_row(&entry.summary)),
            Listed::Skipped(d) => rows.warn(&skipped(&d)),
        };
        failed = written.err();
        failed.is_none()
    })?;
    match failed {
        Some(e) => Err(e),
        None => rows.finish(),
    }
}

fn skipped(d: &ticket_app::Diagnostic) -> String {
    format!("skipped unreadable ticket: {}", d.message)
}

fn show(app: &App, out: &mut Out, query: &str) -> Result<(), CliError> {
    if out.json {
        let shown = app.show(query)?;
        return out.json(&json::Show::new(&shown.ticket, shown.path));
    }
    let raw = app.show_raw(query)?;
    out.bytes(&human::show(&raw))
}

/// Writes a completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, w: &mut dyn Write) {
    let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "ticket", w);
}
