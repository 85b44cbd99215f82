//! `create`: a new ticket in `open/`.

use ticket_domain::{Label, NewTicket, RelationKind, Ticket, TicketBackend};

use crate::error::AppError;
use crate::{App, display};

/// A ticket to create. Unset kind and priority get the format's defaults (`task`, `P2`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateRequest {
    pub title: String,
    /// Slugified like the title; the title's slug when unset.
    pub slug: Option<String>,
    pub kind: Option<String>,
    pub priority: Option<String>,
    /// Labels; each item may itself be a comma-separated list (`"a, b"`), as typed by people.
    pub labels: Vec<String>,
    /// Edges the new ticket stores: (kind, an id, slug or unique prefix naming the target).
    pub relations: Vec<(RelationKind, String)>,
    /// Store an edge even when its target names no ticket (it must then be a valid id).
    pub allow_missing: bool,
}

/// A created ticket and where it lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    pub ticket: Ticket,
    pub path: String,
}

impl App {
    pub fn create(&self, request: CreateRequest) -> Result<Created, AppError> {
        let backend = self.writer()?;
        let mut new = NewTicket::new(request.title);
        new.slug = request.slug;
        if let Some(kind) = request.kind {
            new.kind = kind;
        }
        if let Some(priority) = request.priority {
            new.priority = priority;
        }
        for labels in &request.labels {
            new.labels.extend(Label::parse_list(labels)?);
        }
        if !request.relations.is_empty() {
            new.relations =
                crate::relations::resolve_targets(self, &request.relations, request.allow_missing)?;
        }
        let ticket = backend.create(new)?;
        let path = display(&backend.path_of(&ticket));
        Ok(Created { ticket, path })
    }
}
