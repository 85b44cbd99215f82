//! What each subcommand does: its arguments made into a use-case request, the answer rendered.

use std::io::Write;

use ticket_app::{
    App, Changed, CloseRequest, CloseText, CommentRequest, CreateRequest, ListRequest, Listed,
    ReviewRequest, ReviewVerdict, Sort, StatusRequest, TicketStatus,
};

use crate::body;
use crate::cli::{Command, SortKey, StatusFilter, TargetStatus};
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
                None => ListRequest::default_statuses(action_required.is_some()),
                Some(StatusFilter::All) => Vec::new(),
                Some(StatusFilter::Open) => vec![TicketStatus::Open],
                Some(StatusFilter::Pending) => vec![TicketStatus::Pending],
                Some(StatusFilter::Closed) => vec![TicketStatus::Closed],
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
        Command::Show { query, full } => show(app, out, &query, full),
        Command::Create {
            title,
            slug,
            kind,
            priority,
            label,
        } => {
            let created = app.create(CreateRequest {
                title,
                slug,
                kind: Some(kind),
                priority: Some(priority),
                labels: label.into_iter().collect(),
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
        } => {
            let body = body::read(file.as_deref())?;
            let changed = app.comment(CommentRequest {
                query,
                role,
                author,
                body,
                if_version: None,
            })?;
            mutated(out, &changed)
        }
        Command::Review {
            query,
            approve,
            author,
            file,
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
                if_version: None,
            })?;
            mutated(out, &changed)
        }
        Command::Status { query, status } => {
            let to = match status {
                TargetStatus::Open => TicketStatus::Open,
                TargetStatus::Pending => TicketStatus::Pending,
                TargetStatus::Closed => TicketStatus::Closed,
            };
            let changed = app.set_status(StatusRequest {
                query,
                to,
                if_version: None,
            })?;
            mutated(out, &changed)
        }
        Command::Close {
            query,
            resolution,
            file,
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
                if_version: None,
            })?;
            mutated(out, &changed)
        }
        Command::Doctor { fix } => crate::doctor::run(app, fix, out),
        Command::Search(args) => crate::search::run(app, args, out),
        // Printed by main before any root is resolved: completions need no tickets.
        Command::Completions { .. } => Ok(()),
    }
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

fn show(app: &App, out: &mut Out, query: &str, full: bool) -> Result<(), CliError> {
    if out.json {
        let shown = app.show(query)?;
        return out.json(&json::Show::new(&shown.ticket, shown.path));
    }
    let raw = app.show_raw(query)?;
    out.bytes(&human::show(&raw, full))
}

/// Writes a completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, w: &mut dyn Write) {
    let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "ticket", w);
}
