//! `create`: a new ticket in `open/`.

use ticket_domain::vocabulary::{self, Vocabulary};
use ticket_domain::{Label, MarkdownText, NewTicket, RelationKind, Ticket};

use crate::error::AppError;
use crate::{App, display};

/// A body as someone gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyText {
    /// Typed on a command line: a line break is added (an empty line is no text).
    Line(String),
    /// A whole text (a file, standard input), kept byte for byte.
    Verbatim(String),
}

impl BodyText {
    /// The bytes it stands for.
    pub fn into_text(self) -> String {
        match self {
            BodyText::Line(line) if line.is_empty() => line,
            BodyText::Line(line) => format!("{line}\n"),
            BodyText::Verbatim(text) => text,
        }
    }
}

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
    /// The body; the template (`construct::NEW_TICKET_BODY`) when unset or empty.
    pub body: Option<BodyText>,
    /// Who creates it (its `create` event's author); the settings' user when unset.
    pub author: Option<String>,
    pub assignee: Option<String>,
    /// Accept a kind or priority outside the documented ones (`vocabulary`): a new one is meant.
    pub allow_new: bool,
}

/// A created ticket and where it lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    pub ticket: Ticket,
    pub path: String,
    /// When the title's slug was taken: that slug and the ticket that has it (this ticket got
    /// the slug with the first free `-2`, `-3`, ... appended).
    pub slug_taken: Option<(String, String)>,
}

/// How many numbered slugs `create` tries before it gives up.
const MAX_SLUG_NUMBER: usize = 1000;

impl<S: ticket_domain::Store> App<S> {
    pub fn create(&self, request: CreateRequest) -> Result<Created, AppError> {
        let backend = self.writer()?;
        let explicit = request.slug.is_some();
        let mut new = NewTicket::new(request.title);
        new.slug = request.slug;
        if let Some(kind) = request.kind {
            new.kind = kind;
        }
        if let Some(priority) = request.priority {
            new.priority = priority;
        }
        // Empty values are refused by the domain, with their own message.
        for (vocabulary, value) in [
            (Vocabulary::Kind, &new.kind),
            (Vocabulary::Priority, &new.priority),
        ] {
            if !value.is_empty() {
                vocabulary::check(vocabulary, value, request.allow_new)?;
            }
        }
        for labels in &request.labels {
            new.labels.extend(Label::parse_list(labels)?);
        }
        new.body = request
            .body
            .map(BodyText::into_text)
            .filter(|text| !text.is_empty())
            .map(MarkdownText::new);
        new.author = self.settings.author(request.author);
        new.assignee = request.assignee;
        if !request.relations.is_empty() {
            new.relations =
                crate::relations::resolve_targets(self, &request.relations, request.allow_missing)?;
        }
        // A slug names one ticket: a taken one would make lookups by it ambiguous (and the
        // doctor calls it an error). One asked for is refused; one made from the title gets
        // the first free number. Checked before the lock is taken: two creates racing with the
        // same title can still both get it, which the doctor reports.
        let wanted = ticket_domain::construct::prepare_new(&new)?;
        let mut slug_taken = None;
        if let Some(holder) = backend.slug_holders(wanted.as_str())?.into_iter().next() {
            if explicit {
                return Err(AppError::SlugTaken {
                    slug: wanted.to_string(),
                    by: holder,
                });
            }
            let free = (2..=MAX_SLUG_NUMBER)
                .map(|n| format!("{wanted}-{n}"))
                .find(|s| matches!(backend.slug_holders(s).as_deref(), Ok([])))
                .ok_or_else(|| AppError::SlugTaken {
                    slug: wanted.to_string(),
                    by: holder.clone(),
                })?;
            new.slug = Some(free);
            slug_taken = Some((wanted.to_string(), holder));
        }
        let ticket = backend.create(new)?;
        let path = display(&backend.path_of(&ticket));
        Ok(Created {
            ticket,
            path,
            slug_taken,
        })
    }
}
