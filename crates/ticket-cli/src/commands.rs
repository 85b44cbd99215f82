//! What each subcommand does: its arguments made into a use-case request, the answer rendered.

use ticket_app::{
    App, Assign, BodyText, Changed, CloseRequest, CloseText, CommentRequest, CreateRequest,
    EditRequest, Guard, LinkRequest, ListRequest, Listed, RelationKind, ReopenRequest, Replacement,
    ReviewRequest, ReviewVerdict, Sort, StatusRequest, TicketStatus, UnlinkRequest,
};

use crate::body;
use crate::cli::{
    Command, CreateRelations, EditArgs, OneRelation, SortKey, StatusFilter, TargetStatus, Writes,
};
use crate::error::CliError;
use crate::human;
use crate::json;
use crate::output::Out;
use ticket_app::wire;

pub fn run(command: Command, app: &App, out: &mut Out) -> Result<(), CliError> {
    // The guard of a ticket write, from where `Command::writes` says its flags are: the one
    // place that knows which commands write a ticket.
    let guard = match command.writes() {
        Writes::Ticket(flags) => flags.guard(),
        Writes::Nothing | Writes::NewTicket | Writes::Lease | Writes::Root => Guard::none(),
    };
    match command {
        Command::List {
            status,
            kind,
            priority,
            label,
            assignee,
            action_required,
            sort,
            columns,
            claimed,
            unclaimed,
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
                with_action_required: out.json,
                claimed: (claimed || unclaimed).then_some(claimed),
            };
            list(app, out, &request, columns.as_ref().map(|c| c.0.as_slice()))
        }
        Command::Show { query, full } => show(app, out, &query, full),
        Command::Create {
            title,
            slug,
            kind,
            priority,
            label,
            relations,
            body,
            file,
            assignee,
            author,
            allow_new,
        } => {
            let allow_missing = relations.allow_missing;
            let body = body::given(body, file.as_deref())?;
            // A root started away from where the user stands (a repository's top level) is
            // said; one started here, as tickets.sh starts it, is not.
            let started = !app.root().is_dir() && app.root().starts_with("..");
            let created = app.create(CreateRequest {
                title,
                slug,
                kind: Some(kind),
                priority: Some(priority),
                labels: label.into_iter().collect(),
                relations: create_relations(relations),
                allow_missing,
                body,
                author,
                assignee,
                allow_new,
            })?;
            let t = &created.ticket;
            if started {
                out.note(&format!("started the ticket root {}", app.root().display()));
            }
            if let Some((slug, by)) = &created.slug_taken {
                out.note(&format!(
                    "the slug `{slug}` is taken by {by}; this ticket's slug is `{}` (--slug chooses one)",
                    t.slug
                ));
            }
            if out.json {
                out.json(&wire::Created {
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
            body,
            file,
            allow_new,
            guard: _,
        } => {
            let body = body::given(body, file.as_deref())?.map(BodyText::into_text);
            let changed = app.comment(CommentRequest {
                query,
                role,
                author,
                body,
                guard,
                allow_new,
            })?;
            mutated(out, &changed)
        }
        Command::Review {
            query,
            approve,
            author,
            body,
            file,
            ..
        } => {
            let body = body::given(body, file.as_deref())?.map(BodyText::into_text);
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
                guard,
            })?;
            mutated(out, &changed)
        }
        Command::Status {
            query,
            status,
            reason,
            author,
            guard: _,
        } => {
            let to = match status {
                TargetStatus::Open => TicketStatus::Open,
                TargetStatus::Pending => TicketStatus::Pending,
                TargetStatus::Closed => TicketStatus::Closed,
            };
            let changed = app.set_status(StatusRequest {
                query,
                to,
                guard,
                author,
                reason,
            })?;
            mutated(out, &changed)
        }
        Command::Reopen {
            query,
            reason,
            author,
            guard: _,
        } => {
            let changed = app.reopen(ReopenRequest {
                query,
                author,
                reason,
                guard,
            })?;
            mutated(out, &changed)
        }
        Command::Edit(args) => {
            let changed = app.edit(edit_request(*args, guard)?)?;
            mutated(out, &changed)
        }
        Command::Close {
            query,
            resolution,
            file,
            guard: _,
        } => {
            let text = match (&file, body::given(resolution, file.as_deref())?) {
                (_, Some(BodyText::Line(line))) => CloseText::Line(line),
                // Standard input that says nothing is no resolution given (a script's stdin).
                (None, Some(BodyText::Verbatim(text))) if text.is_empty() => CloseText::Default,
                (_, Some(BodyText::Verbatim(text))) => CloseText::Verbatim(text),
                (_, None) => CloseText::Default,
            };
            let changed = app.close(CloseRequest {
                query,
                text,
                author: None,
                guard,
            })?;
            mutated(out, &changed)
        }
        Command::Link {
            query,
            relation,
            allow_missing,
            guard: _,
        } => {
            let (kind, target) = one_relation(relation);
            let changed = app.link(LinkRequest {
                query,
                kind,
                target,
                allow_missing,
                author: None,
                guard,
            })?;
            mutated(out, &changed)
        }
        Command::Unlink {
            query,
            relation,
            guard: _,
        } => {
            let (kind, target) = one_relation(relation);
            let changed = app.unlink(UnlinkRequest {
                query,
                kind,
                target,
                author: None,
                guard,
            })?;
            mutated(out, &changed)
        }
        Command::Ready { claim, .. } if claim.claim => crate::claim::ready_claim(app, out, claim),
        Command::Ready { explain, .. } => ready(app, out, explain),
        Command::Blocked => blocked(app, out),
        Command::Changes { since } => changes(app, out, since.as_deref()),
        Command::Doctor { fix } => crate::doctor::run(app, fix, out),
        Command::Import { from, path } => crate::foreign::import(app, out, &from, path),
        Command::Export { to, path, tickets } => {
            crate::foreign::export(app, out, &to, path, tickets)
        }
        Command::Search(args) => crate::search::run(app, args, out),
        // Printed by main before any root is resolved: completions need no tickets.
        Command::Completions { .. } | Command::Schema { .. } => Ok(()),
        Command::Init { .. } => crate::sync::init(app, out),
        Command::Sync { remote } => crate::sync::sync(app, remote, out),
        // Run by main before any root is resolved: git names the files.
        Command::MergeDriver { .. } => Ok(()),
        Command::Claim(args) => crate::claim::claim(app, out, args),
        Command::Renew(args) => crate::claim::renew(app, out, args),
        Command::Release(args) => crate::claim::release(app, out, args),
    }
}

/// `ticket edit`'s arguments as the use case's request, under `guard` (from its flags); the body
/// files are read here.
fn edit_request(a: EditArgs, guard: Guard) -> Result<EditRequest, CliError> {
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
        labels: a.label.map(|l| vec![l]),
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
        guard,
    })
}

fn mutated(out: &mut Out, changed: &Changed) -> Result<(), CliError> {
    if !out.json {
        return Ok(());
    }
    out.json(&wire::Show::new(&changed.ticket, changed.path.clone()))
}

fn list(
    app: &App,
    out: &mut Out,
    request: &ListRequest,
    columns: Option<&[human::Column]>,
) -> Result<(), CliError> {
    // Printed as it is read, TSV or a JSON array alike: memory stays flat however large the
    // root (sorted orders hold the list, since they need it all).
    let json = out.json;
    let mut rows = out.stream();
    if !json {
        match columns {
            Some(columns) => rows.write(&human::list_header(columns))?,
            None => rows.write(human::LIST_HEADER)?,
        }
    }
    let mut array = json::ArrayWriter::default();
    let mut failed = None;
    let mut each = |item: Listed, claim: Option<&ticket_app::Lease>| {
        let written = match item {
            Listed::Ticket(entry) if json => {
                let item =
                    wire::ListEntry::new(&entry.summary, entry.path.clone()).with_claim(claim);
                array.item(&item).and_then(|text| rows.write(&text))
            }
            Listed::Ticket(entry) => match columns {
                Some(columns) => rows.write(&human::list_row_with(&entry.summary, columns)),
                None => rows.write(&human::list_row(&entry.summary)),
            },
            Listed::Skipped(d) => rows.warn(&skipped(&d)),
        };
        failed = written.err();
        failed.is_none()
    };
    // Only JSON shows claims: the TSV reads no lease.
    let outcome = if json {
        app.list_claimed(request, each)?
    } else {
        app.list(request, |item| each(item, None))?
    };
    let finished = match failed {
        Some(e) => Err(e),
        None if json => rows.write(&array.end()).and_then(|()| rows.finish()),
        None => rows.finish(),
    };
    hint_cases(out, &outcome);
    finished
}

/// When a filter matched nothing but tickets hold its value with another case, say so.
fn hint_cases(out: &mut Out, outcome: &ticket_app::ListOutcome) {
    for h in &outcome.hints {
        out.note(&format!(
            "no ticket has {} `{}`, but some have `{}` (filters match exactly: --{} {})",
            h.field, h.given, h.found, h.field, h.found
        ));
    }
}

fn skipped(d: &ticket_app::Diagnostic) -> String {
    format!("skipped unreadable ticket: {}", d.message)
}

fn show(app: &App, out: &mut Out, query: &str, full: bool) -> Result<(), CliError> {
    if out.json {
        return out.json(&wire::Show::viewed(&app.show_view(query)?));
    }
    let raw = app.show_raw(query)?;
    let claim = match raw.id.as_str() {
        "" => None,
        id => app.claim_of(id)?,
    };
    out.bytes(&human::show(&raw, full, claim.as_ref()))
}

/// The relation flags of `create`, as (kind, target) pairs in flag order.
fn create_relations(r: CreateRelations) -> Vec<(RelationKind, String)> {
    by_kind([
        r.depends_on,
        r.parent,
        r.related,
        r.duplicate_of,
        r.supersedes,
    ])
}

/// The one relation flag given (clap requires exactly one).
fn one_relation(r: OneRelation) -> (RelationKind, String) {
    let flags = [
        r.depends_on,
        r.parent,
        r.related,
        r.duplicate_of,
        r.supersedes,
    ];
    by_kind(flags.map(Option::into_iter))
        .into_iter()
        .next()
        .unwrap_or((RelationKind::Related, String::new()))
}

/// The targets of the five relation flags, given in `RelationKind::ALL` order, as (kind, target)
/// pairs in flag order.
fn by_kind<T: IntoIterator<Item = String>>(flags: [T; 5]) -> Vec<(RelationKind, String)> {
    RelationKind::ALL
        .into_iter()
        .zip(flags)
        .flat_map(|(kind, targets)| targets.into_iter().map(move |t| (kind, t)))
        .collect()
}

/// `ready`: the ready tickets as `list` rows; with `--explain`, `#` lines after them saying why
/// each other open ticket is not ready, and the cycles. Rows are printed as they are read
/// again (the queue keeps ids and sort keys only).
fn ready(app: &App, out: &mut Out, explain: bool) -> Result<(), CliError> {
    let queue = app.ready()?;
    for d in &queue.skipped {
        out.warn(&skipped(d))?;
    }
    let json = out.json;
    let mut rows = out.stream();
    let mut failed = None;
    if json {
        // `{"ready": [...], "not_ready": [...], "cycles": [...]}`, as serde writes it whole.
        rows.write("{\n  \"ready\": ")?;
        let mut array = json::ArrayWriter::nested(1);
        app.queued(&queue.ready, |entry| {
            let written = match entry {
                Ok(e) => array
                    .item(&wire::ListEntry::new(&e.summary, e.path.clone()))
                    .and_then(|text| rows.write(&text)),
                Err(e) => rows.warn(&reread(&e)),
            };
            failed = written.err();
            failed.is_none()
        });
        if let Some(e) = failed.take() {
            return Err(e);
        }
        rows.write(&array.close())?;
        rows.write(",\n  \"not_ready\": ")?;
        not_ready_json(app, &queue, &mut rows, 1)?;
        rows.write(",\n  \"cycles\": ")?;
        rows.write(&json::pretty_at(&queue.cycles, 1)?)?;
        rows.write("\n}\n")?;
        return rows.finish();
    }
    rows.write(human::LIST_HEADER)?;
    app.queued(&queue.ready, |entry| {
        let written = match entry {
            Ok(e) => rows.write(&human::list_row(&e.summary)),
            Err(e) => rows.warn(&reread(&e)),
        };
        failed = written.err();
        failed.is_none()
    });
    if let Some(e) = failed {
        return Err(e);
    }
    if explain {
        for n in &queue.not_ready {
            rows.write(&format!(
                "# not ready: {}: {}\n",
                n.entry.id,
                human::reasons(&n.reasons)
            ))?;
        }
        for cycle in &queue.cycles {
            let ids: Vec<&str> = cycle.iter().map(|i| i.as_str()).collect();
            rows.write(&format!("# cycle: {}\n", ids.join(" ")))?;
        }
    }
    rows.finish()
}

/// The not-ready tickets of `queue` as a JSON array `depth` levels deep, each read again.
fn not_ready_json(
    app: &App,
    queue: &ticket_app::ReadyQueue,
    rows: &mut crate::output::Stream,
    depth: usize,
) -> Result<(), CliError> {
    let mut array = json::ArrayWriter::nested(depth);
    let mut failed = None;
    let mut reasons = queue.not_ready.iter().map(|n| &n.reasons);
    app.queued(queue.not_ready.iter().map(|n| &n.entry), |entry| {
        let why = reasons.next().map_or(&[][..], Vec::as_slice);
        let written = match entry {
            Ok(e) => array
                .item(&wire::NotReady::new(&e, why))
                .and_then(|text| rows.write(&text)),
            Err(e) => rows.warn(&reread(&e)),
        };
        failed = written.err();
        failed.is_none()
    });
    match failed {
        Some(e) => Err(e),
        None => rows.write(&array.close()),
    }
}

/// The warning for a ticket of the ready queue that no longer reads when printed.
fn reread(e: &ticket_app::AppError) -> String {
    format!("skipped unreadable ticket: {e}")
}

/// `blocked`: each open ticket that is not ready, with what blocks it.
fn blocked(app: &App, out: &mut Out) -> Result<(), CliError> {
    let queue = app.ready()?;
    for d in &queue.skipped {
        out.warn(&skipped(d))?;
    }
    let mut rows = out.stream();
    if out.json {
        not_ready_json(app, &queue, &mut rows, 0)?;
        rows.write("\n")?;
        return rows.finish();
    }
    for n in &queue.not_ready {
        rows.write(&format!("{}\t{}\n", n.entry.id, human::reasons(&n.reasons)))?;
    }
    rows.finish()
}

/// `changes`: one line per ticket that changed since the cursor, then the next cursor.
fn changes(app: &App, out: &mut Out, since: Option<&str>) -> Result<(), CliError> {
    let changes = app.changes(since)?;
    if out.json {
        return out.json(&changes);
    }
    let mut text = String::new();
    for c in &changes.changes {
        let kinds: Vec<&str> = c.kinds.iter().map(|k| k.as_str()).collect();
        text.push_str(&format!("{}\t{}\t{}\n", kinds.join(","), c.status, c.id));
    }
    text.push_str(&format!("cursor: {}\n", changes.cursor));
    out.text(&text)
}
