//! `ticket search`: the arguments made into a search request, the hits rendered one line each
//! (`score, status, id, field, title, snippet`, tab-separated) or as JSON.

use ticket_app::{App, Hit, SearchRequest, TicketStatus, wire};

use crate::cli::{SearchArgs, StatusFilter};
use crate::error::CliError;
use crate::human::push_cell;
use crate::output::Out;

pub fn run(app: &App, args: SearchArgs, out: &mut Out) -> Result<(), CliError> {
    let statuses = match args.status {
        None | Some(StatusFilter::All) => Vec::new(),
        Some(StatusFilter::Open) => vec![TicketStatus::Open],
        Some(StatusFilter::Pending) => vec![TicketStatus::Pending],
        Some(StatusFilter::Closed) => vec![TicketStatus::Closed],
    };
    let searched = app.search(SearchRequest {
        query: args.query.join(" "),
        statuses,
        label: args.label,
        kind: args.kind,
        assignee: args.assignee,
        event_kind: args.event_kind,
        limit: args.limit as usize,
        scan: args.no_index,
    })?;
    for message in &searched.skipped {
        out.warn(&format!("skipped unreadable ticket: {message}"))?;
    }
    if out.json {
        let hits: Vec<wire::Hit> = searched.hits.iter().map(wire::Hit::from).collect();
        return out.json(&hits);
    }
    let mut text = String::new();
    for h in &searched.hits {
        line(&mut text, h);
    }
    out.text(&text)
}

fn line(text: &mut String, h: &Hit) {
    let score = format!("{:.4}", wire::rounded(h.score));
    let field = h.field.name();
    for (i, cell) in [
        score.as_str(),
        &h.status,
        &h.id,
        &field,
        &h.title,
        &h.snippet,
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            text.push('\t');
        }
        push_cell(text, cell);
    }
    text.push('\n');
}
