//! Relations: `link`, `unlink`, and the targets `create` is given (the ready queue and what
//! `show` derives from relations are in `ready`).
//!
//! The checks that need the whole graph (does the target exist, would the edge close a cycle)
//! run here, before the change is applied, without the writers' lock: a `link` racing another
//! `link` can still close a cycle, and a target can be removed after the check. Reads detect
//! both (every readiness read finds cycles and dangling ids; the doctor reports them), so such
//! a race costs readiness, never a hang or a lost ticket.

use ticket_domain::{Change, Guard, RelationKind, Relations, Store, TicketId, TicketIdOrSlug};

use crate::error::{AppError, CycleSnafu, MissingTargetSnafu, SelfLinkSnafu};
use crate::{App, Changed, query};

/// A link to add: the edge `kind` from the ticket `query` names to the ticket `target` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRequest {
    pub query: String,
    pub kind: RelationKind,
    /// An id, a slug or a unique prefix of either; stored as the id it names.
    pub target: String,
    /// Store the edge even when no ticket is named `target` (which must then be a valid id).
    pub allow_missing: bool,
    pub author: Option<String>,
    /// What the ticket must still be when the change is made: at a version, held by a token.
    pub guard: Guard,
}

/// A link to remove.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnlinkRequest {
    pub query: String,
    pub kind: RelationKind,
    /// The stored id, or anything naming the ticket it names.
    pub target: String,
    pub author: Option<String>,
    /// What the ticket must still be when the change is made: at a version, held by a token.
    pub guard: Guard,
}

impl<S: Store> App<S> {
    /// Adds an edge, after checking what needs the other tickets: the target exists (unless
    /// `allow_missing`), it is not the ticket itself, and a `depends_on` or `parent` edge
    /// closes no cycle.
    pub fn link(&self, request: LinkRequest) -> Result<Changed, AppError> {
        let reader = self.reader();
        let source_id = resolve(reader, &request.query)?;
        let kind = request.kind;
        let target = match resolve(reader, &request.target) {
            Ok(id) => id,
            Err(AppError::Backend {
                source: ticket_domain::BackendError::NotFound { .. },
            }) if request.allow_missing => TicketId::new(request.target.clone())
                .map_err(|source| ticket_domain::BackendError::BadName { source })?,
            Err(AppError::Backend {
                source: ticket_domain::BackendError::NotFound { .. },
            }) => {
                return MissingTargetSnafu {
                    source_id: Some(source_id),
                    kind,
                    target: request.target,
                }
                .fail();
            }
            Err(e) => return Err(e),
        };
        if target == source_id {
            return SelfLinkSnafu { source_id, kind }.fail();
        }
        if kind.is_structural() {
            let read = reader.graph(&[], std::slice::from_ref(&target), &mut |_, _| {})?;
            if let Some(path) = read.graph.path(target.as_str(), source_id.as_str()) {
                let mut cycle = vec![source_id.clone()];
                cycle.extend(path);
                return CycleSnafu {
                    source_id,
                    kind,
                    target,
                    cycle,
                }
                .fail();
            }
        }
        let author = self.settings.author(request.author);
        self.relation_change(
            &source_id,
            request.guard,
            Change::Link {
                kind,
                target,
                author,
            },
        )
    }

    /// Removes a stored edge; one that is not stored is refused (the message names both tickets).
    pub fn unlink(&self, request: UnlinkRequest) -> Result<Changed, AppError> {
        let reader = self.reader();
        let source = reader.find(&query(&request.query)?)?;
        let stored = reader.ticket_at(&source)?.summary;
        let source_id = stored.id;
        let stored = stored.relations;
        // A stored id as typed first: it may dangle, so it need not name a ticket.
        let target = match stored
            .get(request.kind)
            .iter()
            .find(|t| t.as_str() == request.target)
        {
            Some(t) => t.clone(),
            None => match resolve(reader, &request.target) {
                Ok(id) => id,
                Err(_) => TicketId::new(request.target.clone())
                    .map_err(|source| ticket_domain::BackendError::BadName { source })?,
            },
        };
        let author = self.settings.author(request.author);
        self.relation_change(
            &source_id,
            request.guard,
            Change::Unlink {
                kind: request.kind,
                target,
                author,
            },
        )
    }

    fn relation_change(
        &self,
        source: &TicketId,
        guard: Guard,
        change: Change,
    ) -> Result<Changed, AppError> {
        let q = TicketIdOrSlug::new(source.as_str())
            .map_err(|source| ticket_domain::BackendError::BadName { source })?;
        self.change_at(&q, guard, change)
    }
}

/// The id of the ticket `q` names (an id, a slug or a unique prefix), from its frontmatter.
fn resolve(reader: &impl Store, q: &str) -> Result<TicketId, AppError> {
    let found = reader.find(&query(q)?)?;
    Ok(reader.summary_at(&found)?.id)
}

/// Relation targets given at create, each resolved to the id it names (unless missing ones are
/// allowed and it names none).
pub(crate) fn resolve_targets<S: Store>(
    app: &App<S>,
    targets: &[(RelationKind, String)],
    allow_missing: bool,
) -> Result<Relations, AppError> {
    let reader = app.reader();
    let mut out = Relations::default();
    for (kind, target) in targets {
        let id = match resolve(reader, target) {
            Ok(id) => id,
            Err(AppError::Backend {
                source: ticket_domain::BackendError::NotFound { .. },
            }) if allow_missing => TicketId::new(target.clone())
                .map_err(|source| ticket_domain::BackendError::BadName { source })?,
            Err(AppError::Backend {
                source: ticket_domain::BackendError::NotFound { .. },
            }) => {
                return MissingTargetSnafu {
                    source_id: None,
                    kind: *kind,
                    target: target.clone(),
                }
                .fail();
            }
            Err(e) => return Err(e),
        };
        if !out.has(*kind, &id) {
            out.get_mut(*kind).push(id);
        }
    }
    Ok(out)
}
