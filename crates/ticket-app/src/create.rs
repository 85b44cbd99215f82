//! `create`: a new ticket in `open/`.

use ticket_domain::vocabulary::{self, Vocabulary};
use ticket_domain::{Label, MarkdownText, NewTicket, Ticket, TicketBackend};

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
    /// The body; the template (`ops::NEW_TICKET_BODY`) when unset or empty.
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
        let ticket = backend.create(new)?;
        let path = display(&backend.path_of(&ticket));
        Ok(Created { ticket, path })
    }
}
