//! What each subcommand does, once its arguments are parsed and its root is known.

use std::io::Write;

use ticket_domain::{
    ActionRequired, EventKind, Label, ListFilter, NewEvent, NewReview, NewTicket, Resolution,
    ReviewVerdict, TicketBackend, TicketIdOrSlug, TicketStatus,
};
use ticket_store_local::LocalTicketBackend;

use crate::body;
use crate::cli::{Command, SortKey, StatusFilter, TargetStatus};
use crate::error::CliError;
use crate::human;
use crate::json;
use crate::output::Out;

pub fn run(command: Command, backend: &LocalTicketBackend, out: &mut Out) -> Result<(), CliError> {
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
            let filter = ListFilter {
                statuses,
                kind,
                priority,
                label,
                assignee,
            };
            list(backend, out, &filter, action_required.as_deref(), sort)
        }
        Command::Show { query } => show(backend, out, &query),
        Command::Create {
            title,
            slug,
            kind,
            priority,
            label,
        } => {
            let mut new = NewTicket::new(title);
            new.slug = slug;
            new.kind = kind;
            new.priority = priority;
            new.labels = Label::parse_list(label.as_deref().unwrap_or(""))?;
            let t = backend.create(new)?;
            let path = backend.path_of(&t);
            if out.json {
                out.json(&json::Created {
                    id: t.id.as_str(),
                    slug: t.slug.as_str(),
                    path: path.display().to_string(),
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
            let q = query_of(&query)?;
            let body = body::read(file.as_deref(), body::NO_BODY)?;
            let event = NewEvent::new(EventKind::parse(&role), author.unwrap_or_else(user), body);
            let t = backend.add_event(&q, event)?;
            mutated(backend, out, &t)
        }
        Command::Review {
            query,
            approve,
            author,
            file,
            ..
        } => {
            let q = query_of(&query)?;
            let body = body::read(file.as_deref(), body::NO_BODY)?;
            let verdict = if approve {
                ReviewVerdict::Approve
            } else {
                ReviewVerdict::RequestChanges
            };
            let review = NewReview {
                verdict,
                author: author.unwrap_or_else(user),
                body: body.into(),
            };
            let t = backend.review(&q, review)?;
            mutated(backend, out, &t)
        }
        Command::Status { query, status } => {
            let to = match status {
                TargetStatus::Open => TicketStatus::Open,
                TargetStatus::Pending => TicketStatus::Pending,
                TargetStatus::Closed => TicketStatus::Closed,
            };
            let t = backend.set_status(&query_of(&query)?, to)?;
            mutated(backend, out, &t)
        }
        Command::Close {
            query,
            resolution,
            file,
        } => {
            let q = query_of(&query)?;
            let text = match (&file, resolution.filter(|r| !r.is_empty())) {
                (Some(f), _) => body::read(Some(f), "")?,
                (None, Some(r)) => format!("{r}\n"),
                (None, None) => "Closed.\n".to_owned(),
            };
            let resolution = Resolution {
                text: text.into(),
                author: user(),
            };
            let t = backend.close(&q, resolution)?;
            mutated(backend, out, &t)
        }
        Command::Doctor { fix } => {
            crate::doctor::run(backend.root(), fix, backend.lock_timeout(), out)
        }
        // Printed by main before any root is resolved: completions need no tickets.
        Command::Completions { .. } => Ok(()),
    }
}

fn query_of(q: &str) -> Result<TicketIdOrSlug, CliError> {
    TicketIdOrSlug::new(q).map_err(|_| {
        CliError::Backend(ticket_domain::BackendError::NotFound {
            query: ticket_domain::ids::shorten(q),
        })
    })
}

/// `$USER`, or `unknown`, as `tickets.sh` picks authors.
pub fn user() -> String {
    std::env::var("USER")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn mutated(
    backend: &LocalTicketBackend,
    out: &mut Out,
    t: &ticket_domain::Ticket,
) -> Result<(), CliError> {
    if !out.json {
        return Ok(());
    }
    let path = backend.path_of(t);
    out.json(&json::Show::new(t, path.display().to_string()))
}

fn list(
    backend: &LocalTicketBackend,
    out: &mut Out,
    filter: &ListFilter,
    action: Option<&str>,
    sort: Option<SortKey>,
) -> Result<(), CliError> {
    if action.is_none() && matches!(sort, None | Some(SortKey::Id)) && !out.json {
        return list_streamed(backend, out, filter);
    }
    let located = backend.list_located(filter)?;
    let mut tickets = located.tickets;
    for d in &located.diagnostics {
        out.warn(&format!("skipped unreadable ticket: {}", d.message))?;
    }
    if let Some(want) = action {
        let want = ActionRequired::parse(want);
        tickets.retain(|(found, _)| {
            backend
                .read_ticket(&found.dir)
                .is_ok_and(|t| t.meta.action_required.as_ref() == Some(&want))
        });
    }
    match sort {
        None | Some(SortKey::Id) => {}
        Some(SortKey::Updated) => tickets.sort_by(|a, b| {
            b.1.updated_at
                .cmp(&a.1.updated_at)
                .then(a.1.id.cmp(&b.1.id))
        }),
        Some(SortKey::Priority) => {
            tickets.sort_by(|a, b| a.1.priority.cmp(&b.1.priority).then(a.1.id.cmp(&b.1.id)))
        }
    }
    if out.json {
        let items: Vec<_> = tickets
            .iter()
            .map(|(found, s)| json::ListItem::new(s, found.dir.display().to_string()))
            .collect();
        return out.json(&items);
    }
    let mut text = String::from(human::LIST_HEADER);
    for (_, s) in &tickets {
        text.push_str(&human::list_row(s));
    }
    out.text(&text)
}

/// The plain list, printed as it is read: memory stays flat however large the root.
fn list_streamed(
    backend: &LocalTicketBackend,
    out: &mut Out,
    filter: &ListFilter,
) -> Result<(), CliError> {
    let mut rows = out.stream();
    rows.write(human::LIST_HEADER)?;
    let mut failed = None;
    backend.list_each(filter, |found| {
        if failed.is_some() {
            return;
        }
        let written = match found {
            Ok((_, s)) => rows.write(&human::list_row(&s)),
            Err(d) => rows.warn(&format!("skipped unreadable ticket: {}", d.message)),
        };
        failed = written.err();
    })?;
    match failed {
        Some(e) => Err(e),
        None => rows.finish(),
    }
}

fn show(backend: &LocalTicketBackend, out: &mut Out, query: &str) -> Result<(), CliError> {
    let found = backend.locate(&query_of(query)?)?;
    let path = found.dir.display().to_string();
    if out.json {
        let t = backend.read_ticket(&found.dir)?;
        return out.json(&json::Show::new(&t, path));
    }
    let raw = backend.read_raw(&found)?;
    out.bytes(&human::show(&path, &raw))
}

/// Writes a completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, w: &mut dyn Write) {
    let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "ticket", w);
}
