//! `edit`: fields and the body of an existing ticket, as typed requests made into the domain's
//! [`Edit`]. Keys by name (`set`, `unset`) reach only what no typed edit covers; values people
//! type for kinds, priorities, readiness and who acts next are checked against the documented
//! vocabularies unless a new word is meant.

use ticket_domain::vocabulary::{self, Vocabulary};
use ticket_domain::{
    ActionRequired, BodyEdit, Change, Edit, FieldEdit, Guard, Label, MarkdownText, Readiness,
    RefList,
};
use ticket_format::keys;

use crate::create::BodyText;
use crate::error::{AppError, KeyRule};
use crate::{App, Changed};

/// Who a ticket is assigned to, after an edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assign {
    To(String),
    Nobody,
}

/// An exact replacement in the body: `old` must occur once, or, with `all`, at least once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Replacement {
    pub old: String,
    pub new: String,
    pub all: bool,
}

/// An edit of one ticket. Every field left unset stays as it is; at least one must be set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditRequest {
    pub query: String,
    /// Who edits, for the `edit` event; the settings' user when unset.
    pub author: Option<String>,
    /// A new title; the id and slug stay.
    pub title: Option<String>,
    pub kind: Option<String>,
    pub priority: Option<String>,
    /// The whole list of labels, replacing them (comma-separated items, as `create` takes
    /// them; an empty list removes every label); applied before `labels_remove` and
    /// `labels_add`.
    pub labels: Option<Vec<String>>,
    /// Labels to add and to remove; each item may be a comma-separated list (`"a, b"`).
    pub labels_add: Vec<String>,
    pub labels_remove: Vec<String>,
    pub assignee: Option<Assign>,
    /// `implementation_ready`, `requirements_sync_needed`, `spike_needed`, `blocked`,
    /// `unspecified` (the default, which removes the key).
    pub readiness: Option<String>,
    pub needs_preflight: Option<bool>,
    /// Risk flags to add and to remove; each item may be a comma-separated list.
    pub risk_flags_add: Vec<String>,
    pub risk_flags_remove: Vec<String>,
    /// Who must act next: `none`, `implementer`, `reviewer`, `human`.
    pub action_required: Option<String>,
    pub legacy_ticket: Option<String>,
    /// References to add to and remove from a list, one value each (commas are kept: URLs).
    pub refs_add: Vec<(RefList, String)>,
    pub refs_remove: Vec<(RefList, String)>,
    /// Keys the format gives no meaning, set to a value (added when absent).
    pub set: Vec<(String, String)>,
    /// Keys removed: any the format gives no meaning; a typed optional key goes back to its
    /// default; `assignee` and `legacy_ticket` become null.
    pub unset: Vec<String>,
    /// The whole body.
    pub body: Option<BodyText>,
    /// An exact replacement in the body (not with `body`).
    pub replace: Option<Replacement>,
    /// Accept a kind, priority, readiness or action outside the documented ones.
    pub allow_new: bool,
    /// What the ticket must still be when the change is made: at a version, held by a token.
    pub guard: Guard,
}

/// Splits comma-separated items as `--label` does: trimmed, empty ones dropped.
fn items(lists: &[String]) -> Vec<String> {
    lists
        .iter()
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn labels(lists: &[String]) -> Result<Vec<Label>, AppError> {
    let mut out = Vec::new();
    for list in lists {
        out.extend(Label::parse_list(list)?);
    }
    Ok(out)
}

/// What a key named in `set` or `unset` may do, when the format knows it.
fn rule(key: &str) -> Option<KeyRule> {
    match key {
        keys::ID | keys::SLUG => Some(KeyRule::Never),
        keys::STATUS => Some(KeyRule::Status),
        keys::CREATED_AT | keys::UPDATED_AT => Some(KeyRule::Writers),
        _ => keys::is_known(key).then_some(KeyRule::Typed),
    }
}

fn reserved(key: &str, rule: KeyRule, unset: bool) -> AppError {
    AppError::ReservedKey {
        key: key.to_owned(),
        rule,
        unset,
    }
}

/// The field edit of `--unset key`, when the format knows `key`.
fn unset_known(key: &str) -> Option<FieldEdit> {
    if let Some(&(_, list)) = keys::REFS.iter().find(|(k, _)| *k == key) {
        return Some(FieldEdit::ClearRefs(list));
    }
    Some(match key {
        keys::ASSIGNEE => FieldEdit::Assignee(None),
        keys::LEGACY_TICKET => FieldEdit::LegacyTicket(None),
        keys::READINESS => FieldEdit::Readiness(Readiness::default()),
        keys::NEEDS_PREFLIGHT => FieldEdit::NeedsPreflight(false),
        keys::RISK_FLAGS => FieldEdit::ClearRiskFlags,
        keys::ACTION_REQUIRED => FieldEdit::ActionRequired(None),
        _ => return None,
    })
}

impl EditRequest {
    /// The domain's edit: typed operations in a fixed order (removals before additions), each
    /// value checked against its vocabulary.
    fn into_edit(self, author: String) -> Result<Edit, AppError> {
        let check = |v: Vocabulary, value: &str| {
            if value.is_empty() {
                Ok(())
            } else {
                vocabulary::check(v, value, self.allow_new)
            }
        };
        let mut fields = Vec::new();
        if let Some(title) = &self.title {
            fields.push(FieldEdit::Title(title.clone()));
        }
        if let Some(kind) = &self.kind {
            check(Vocabulary::Kind, kind)?;
            fields.push(FieldEdit::Kind(kind.clone()));
        }
        if let Some(priority) = &self.priority {
            check(Vocabulary::Priority, priority)?;
            fields.push(FieldEdit::Priority(priority.clone()));
        }
        if let Some(whole) = &self.labels {
            fields.push(FieldEdit::Labels(labels(whole)?));
        }
        if !self.labels_remove.is_empty() {
            fields.push(FieldEdit::RemoveLabels(labels(&self.labels_remove)?));
        }
        if !self.labels_add.is_empty() {
            fields.push(FieldEdit::AddLabels(labels(&self.labels_add)?));
        }
        match &self.assignee {
            Some(Assign::To(who)) => fields.push(FieldEdit::Assignee(Some(who.clone()))),
            Some(Assign::Nobody) => fields.push(FieldEdit::Assignee(None)),
            None => {}
        }
        if let Some(readiness) = &self.readiness {
            check(Vocabulary::Readiness, readiness)?;
            fields.push(FieldEdit::Readiness(Readiness::parse(readiness)));
        }
        if let Some(needed) = self.needs_preflight {
            fields.push(FieldEdit::NeedsPreflight(needed));
        }
        if !self.risk_flags_remove.is_empty() {
            fields.push(FieldEdit::RemoveRiskFlags(items(&self.risk_flags_remove)));
        }
        if !self.risk_flags_add.is_empty() {
            fields.push(FieldEdit::AddRiskFlags(items(&self.risk_flags_add)));
        }
        if let Some(who) = &self.action_required {
            check(Vocabulary::ActionRequired, who)?;
            fields.push(FieldEdit::ActionRequired(Some(ActionRequired::parse(who))));
        }
        if let Some(legacy) = &self.legacy_ticket {
            fields.push(FieldEdit::LegacyTicket(Some(legacy.clone())));
        }
        for list in RefList::ALL {
            let values = |pairs: &[(RefList, String)]| -> Vec<String> {
                pairs
                    .iter()
                    .filter(|(l, _)| *l == list)
                    .map(|(_, v)| v.clone())
                    .collect()
            };
            let (remove, add) = (values(&self.refs_remove), values(&self.refs_add));
            if !remove.is_empty() {
                fields.push(FieldEdit::RemoveRefs(list, remove));
            }
            if !add.is_empty() {
                fields.push(FieldEdit::AddRefs(list, add));
            }
        }
        for (key, value) in &self.set {
            if let Some(rule) = rule(key) {
                return Err(reserved(key, rule, false));
            }
            fields.push(FieldEdit::SetKey {
                key: key.clone(),
                value: value.clone(),
            });
        }
        for key in &self.unset {
            match (rule(key), unset_known(key)) {
                (_, Some(op)) => fields.push(op),
                (Some(rule), None) => return Err(reserved(key, rule, true)),
                (None, None) => fields.push(FieldEdit::UnsetKey(key.clone())),
            }
        }
        let body = match (self.body, self.replace) {
            (Some(_), Some(_)) => {
                return Err(ticket_domain::BackendError::from(
                    ticket_domain::InvalidInput::BodyTwice,
                )
                .into());
            }
            (Some(text), None) => Some(BodyEdit::Whole(MarkdownText::new(text.into_text()))),
            (None, Some(r)) => Some(BodyEdit::Replace {
                old: r.old,
                new: r.new,
                all: r.all,
            }),
            (None, None) => None,
        };
        Ok(Edit {
            author,
            fields,
            body,
        })
    }
}

impl<S: ticket_domain::Store> App<S> {
    /// Edits a ticket's fields and body, recorded as one `edit` event; an edit that changes
    /// nothing is refused.
    pub fn edit(&self, request: EditRequest) -> Result<Changed, AppError> {
        let query = request.query.clone();
        let guard = request.guard.clone();
        let author = self.settings.author(request.author.clone());
        let edit = request.into_edit(author)?;
        self.change(&query, guard, Change::Edit(edit))
    }
}
