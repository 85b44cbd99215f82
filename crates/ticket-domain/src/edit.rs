//! Edits of an existing ticket: typed operations on its fields and one operation on its body,
//! checked and applied here, the same for every backend. [`crate::change::plan`] turns an
//! [`Edit`] into the ticket after it and the `edit` event that records it.
//!
//! The id, slug, status and timestamps are not fields an edit can touch: the id and slug name
//! the ticket for good (a new title keeps them), the status changes through a status move, and
//! the timestamps are the writers'.

use crate::action::ActionRequired;
use crate::construct::check_body_size;
use crate::event::check_author;
use crate::invalid::{Field, InvalidInput};
use crate::meta::{Readiness, RefList};
use crate::port::BackendError;
use crate::record::FieldSpelling;
use crate::ticket::{Label, MarkdownText, TicketSummary};

/// One operation on one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldEdit {
    /// A new title (non-empty); the id and slug stay.
    Title(String),
    Kind(String),
    Priority(String),
    /// The whole list of labels, in order, each kept once (empty: none).
    Labels(Vec<Label>),
    /// Labels added at the end, each unless already there.
    AddLabels(Vec<Label>),
    /// Labels removed, where present.
    RemoveLabels(Vec<Label>),
    /// Someone (a non-empty name) or nobody.
    Assignee(Option<String>),
    LegacyTicket(Option<String>),
    Readiness(Readiness),
    NeedsPreflight(bool),
    AddRiskFlags(Vec<String>),
    RemoveRiskFlags(Vec<String>),
    ClearRiskFlags,
    /// Who must act, or `None` to derive it from the thread again.
    ActionRequired(Option<ActionRequired>),
    AddRefs(RefList, Vec<String>),
    RemoveRefs(RefList, Vec<String>),
    ClearRefs(RefList),
    /// A field no version of the format gives a meaning: set to `value`, in place when it is
    /// there, else added after the others. Typed fields are refused (they have their own edits,
    /// which check their values).
    SetKey {
        key: String,
        value: String,
    },
    /// Removes every line of a field no version gives a meaning; typed fields are refused.
    UnsetKey(String),
}

/// One operation on the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyEdit {
    /// The whole body, byte for byte.
    Whole(MarkdownText),
    /// `old` replaced by `new`: `old` must occur exactly once, or, with `all`, at least once
    /// (every occurrence is replaced).
    Replace { old: String, new: String, all: bool },
}

/// An edit: who makes it, the field operations in the order given, and at most one body
/// operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub author: String,
    pub fields: Vec<FieldEdit>,
    pub body: Option<BodyEdit>,
}

impl Edit {
    pub fn new(author: impl Into<String>) -> Self {
        Self {
            author: author.into(),
            fields: Vec::new(),
            body: None,
        }
    }

    pub fn field(mut self, op: FieldEdit) -> Self {
        self.fields.push(op);
        self
    }

    pub fn body(mut self, op: BodyEdit) -> Self {
        self.body = Some(op);
        self
    }
}

/// A one-line, non-empty text: a name, a flag, a reference.
fn check_line(field: Field, value: &str) -> Result<(), BackendError> {
    if value.is_empty() {
        return Err(InvalidInput::EmptyField { field }.into());
    }
    if value.chars().any(char::is_control) {
        return Err(InvalidInput::ControlCharacter {
            field,
            value: value.to_owned(),
        }
        .into());
    }
    Ok(())
}

/// An assignee (also a new ticket's): a one-line, non-empty name.
pub fn check_assignee(name: &str) -> Result<(), BackendError> {
    check_line(Field::Assignee, name)
}

/// A key an edit may set or remove: `A-Za-z0-9_` then `A-Za-z0-9_.-`, so it reads back as the
/// same key and starts no comment (`#`) or list item (`-`).
fn check_key(key: &str, spelling: &dyn FieldSpelling) -> Result<(), BackendError> {
    let mut chars = key.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !ok {
        return Err(InvalidInput::BadKey {
            key: key.to_owned(),
        }
        .into());
    }
    if spelling.is_typed(key) {
        return Err(InvalidInput::TypedKey {
            key: key.to_owned(),
        }
        .into());
    }
    Ok(())
}

fn add_items(list: &mut Vec<String>, items: &[String], field: Field) -> Result<(), BackendError> {
    for item in items {
        check_line(field, item)?;
        if !list.contains(item) {
            list.push(item.clone());
        }
    }
    Ok(())
}

/// `summary` and `body` after `edit`: the summary (its `updated_at` untouched) and the new body,
/// when the edit has a body operation. Every operation is checked; the first that does not hold
/// refuses the whole edit.
pub fn apply(
    summary: &TicketSummary,
    body: &MarkdownText,
    edit: &Edit,
    spelling: &dyn FieldSpelling,
) -> Result<(TicketSummary, Option<MarkdownText>), BackendError> {
    check_author(&edit.author)?;
    if edit.fields.is_empty() && edit.body.is_none() {
        return Err(InvalidInput::NothingToEdit.into());
    }
    let mut s = summary.clone();
    for op in &edit.fields {
        match op {
            FieldEdit::Title(title) => {
                if title.is_empty() {
                    return Err(InvalidInput::EmptyField {
                        field: Field::Title,
                    }
                    .into());
                }
                s.title = title.clone();
            }
            FieldEdit::Kind(kind) => {
                if kind.is_empty() {
                    return Err(InvalidInput::EmptyField { field: Field::Kind }.into());
                }
                s.kind = kind.clone();
            }
            FieldEdit::Priority(priority) => {
                if priority.is_empty() {
                    return Err(InvalidInput::EmptyField {
                        field: Field::Priority,
                    }
                    .into());
                }
                s.priority = priority.clone();
            }
            FieldEdit::Labels(labels) => {
                s.labels.clear();
                for label in labels {
                    if !s.labels.contains(label) {
                        s.labels.push(label.clone());
                    }
                }
            }
            FieldEdit::AddLabels(labels) => {
                for label in labels {
                    if !s.labels.contains(label) {
                        s.labels.push(label.clone());
                    }
                }
            }
            FieldEdit::RemoveLabels(labels) => s.labels.retain(|l| !labels.contains(l)),
            FieldEdit::Assignee(who) => {
                if let Some(who) = who {
                    check_assignee(who)?;
                }
                s.assignee = who.clone();
            }
            FieldEdit::LegacyTicket(legacy) => {
                if let Some(legacy) = legacy {
                    check_line(Field::LegacyTicket, legacy)?;
                }
                s.legacy_ticket = legacy.clone();
            }
            FieldEdit::Readiness(readiness) => {
                check_line(Field::Readiness, readiness.as_str())?;
                s.meta.readiness = readiness.clone();
            }
            FieldEdit::NeedsPreflight(needed) => s.meta.needs_preflight = *needed,
            FieldEdit::AddRiskFlags(flags) => {
                add_items(&mut s.meta.risk_flags, flags, Field::RiskFlag)?
            }
            FieldEdit::RemoveRiskFlags(flags) => s.meta.risk_flags.retain(|f| !flags.contains(f)),
            FieldEdit::ClearRiskFlags => s.meta.risk_flags.clear(),
            FieldEdit::ActionRequired(who) => {
                if let Some(who) = who {
                    check_line(Field::ActionRequired, who.as_str())?;
                }
                s.meta.action_required = who.clone();
            }
            FieldEdit::AddRefs(list, values) => {
                add_items(s.meta.refs.get_mut(*list), values, Field::Reference)?
            }
            FieldEdit::RemoveRefs(list, values) => {
                s.meta.refs.get_mut(*list).retain(|v| !values.contains(v))
            }
            FieldEdit::ClearRefs(list) => s.meta.refs.get_mut(*list).clear(),
            FieldEdit::SetKey { key, value } => {
                check_key(key, spelling)?;
                let raw = spelling.scalar(value);
                match s.extra.iter_mut().find(|(k, _)| k == key) {
                    Some((_, v)) => *v = raw,
                    None => s.extra.push((key.clone(), raw)),
                }
            }
            FieldEdit::UnsetKey(key) => {
                check_key(key, spelling)?;
                s.extra.retain(|(k, _)| k != key);
            }
        }
    }
    // Keys the ticket had keep their places, wherever an unset and a set in between put them
    // (a writer rewrites such a line in place); new keys follow, in the order given.
    let place = |key: &str| {
        summary
            .extra
            .iter()
            .position(|(k, _)| k == key)
            .unwrap_or(usize::MAX)
    };
    s.extra.sort_by_key(|(k, _)| place(k));
    let new_body = match &edit.body {
        None => None,
        Some(BodyEdit::Whole(text)) => Some(text.clone()),
        Some(BodyEdit::Replace { old, new, all }) => {
            if old.is_empty() {
                return Err(InvalidInput::EmptyReplacement.into());
            }
            let occurrences = body.as_str().matches(old.as_str()).count();
            if occurrences == 0 || (occurrences > 1 && !all) {
                return Err(BackendError::BodyMatch { occurrences });
            }
            let replaced = if *all {
                body.as_str().replace(old.as_str(), new)
            } else {
                body.as_str().replacen(old.as_str(), new, 1)
            };
            Some(MarkdownText::new(replaced))
        }
    };
    if let Some(text) = &new_body {
        check_body_size(text.as_str().len())?;
    }
    Ok((s, new_body))
}
