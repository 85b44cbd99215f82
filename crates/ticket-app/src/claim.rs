//! Claims (docs/claims.md): `claim`, `renew`, `release` and `ready` with a claim. The fencing of
//! writes by a lease's token is the backend's: a write's `Guard` carries the token, and
//! `App::change` hands the backend this root's lease store ([`App::leases`]) to check it in.
//!
//! The lease state lives in the lease store (`ticket_store_local::lease`): in the git common
//! directory when the root is in a repository, so every worktree of a clone shares it and no
//! tracked file changes on a renewal; else in the root. A claim and a release are also events
//! of the ticket's thread, so the history says who worked on it.
//!
//! Order of a claim: the store's lock is taken, the record read and decided
//! (`ticket_domain::claim`), the new record written (rename), then the `claim` event appended
//! under the root's lock, all before the store's lock is given back. A failed append puts the
//! old record back. A crash between the two leaves the lease without its event; the holder's
//! next claim (a renewal) finds the event missing and appends it (docs/claims.md, "Crashes").
//! Locks are always taken in this order (the store's, then the root's), never the other way.

use std::path::Path;

use camino::Utf8Path;
use ticket_domain::claim::{self, ClaimRecord, Claimed as How, Lease, LeaseRecord, Refusal, Ttl};
use ticket_domain::{
    BackendError, Change, EventKind, Guard, NewEvent, Reason, Store, Ticket, TicketId,
    TicketIdOrSlug, TicketStatus,
};
use ticket_store_local::lease::GitPlace;

use crate::error::{AppError, LeaseStep};
use crate::{App, display, query};

/// `claim`: take the ticket `query` names for `holder` (the settings' holder when unset) for
/// `ttl` (30 minutes when unset), on `remote` too when given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimRequest {
    pub query: String,
    pub holder: Option<String>,
    pub ttl: Option<Ttl>,
    /// A git remote holding the lease across clones (docs/claims.md, "Across clones").
    pub remote: Option<String>,
}

/// `renew`: a later expiry for the lease of `token`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenewRequest {
    pub query: String,
    pub token: u64,
    pub ttl: Option<Ttl>,
    pub remote: Option<String>,
}

/// `release`: give the lease of `token` back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseRequest {
    pub query: String,
    pub token: u64,
    pub remote: Option<String>,
}

/// `ready` with a claim: the best ready ticket nobody holds, claimed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadyClaimRequest {
    pub holder: Option<String>,
    pub ttl: Option<Ttl>,
}

/// A lease taken, renewed or given back, on which ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimOutcome {
    pub id: TicketId,
    pub path: String,
    pub lease: Lease,
    /// The holder held it already (a claim by the same holder), or a renewal.
    pub renewed: bool,
    pub remote: Option<String>,
}

impl<S: Store> App<S> {
    /// Who claims when no holder is named: the settings' holder (`TICKETS_HOLDER`), else
    /// `<user>@<host>:<pid>`, unique per process and readable.
    pub fn holder(&self, given: Option<String>) -> Result<String, AppError> {
        let holder = given
            .or_else(|| self.settings.holder.clone())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| {
                format!(
                    "{}@{}:{}",
                    self.settings.author(None),
                    crate::settings::host_name(),
                    crate::settings::process_id()
                )
            });
        claim::check_holder(&holder)?;
        Ok(holder)
    }

    /// Claims a ticket: exactly one of any number of racing claimers wins it. A free ticket
    /// (never claimed, released, or its lease expired) gets a lease with the next token and a
    /// `claim` event; the same holder's live lease is renewed; another holder's is refused
    /// (`AppError::Claimed`). A closed ticket is refused.
    pub fn claim(&self, request: ClaimRequest) -> Result<ClaimOutcome, AppError> {
        let holder = self.holder(request.holder)?;
        let ttl = request.ttl.unwrap_or_default();
        let backend = self.writer()?;
        // The frontmatter only: a claim reads the thread only when it renews.
        let found = backend.find(&query(&request.query)?)?;
        let summary = backend.summary_at(&found)?;
        if summary.status == TicketStatus::Closed {
            return Err(AppError::ClaimClosed { id: summary.id });
        }
        let ticket_id = summary.id;
        if let Some(remote) = request.remote {
            return self.claim_remote(&ticket_id, &holder, ttl, remote);
        }
        let now = backend.now();
        backend.with_lease_lock(|locked| {
            let id = ticket_id.as_str();
            let before = locked.read(id)?;
            let (after, how) = claim::decide_claim(&before, &holder, now, ttl)
                .map_err(|r| refused(&ticket_id, r))?;
            locked.write(id, &after)?;
            self.record_claim(&ticket_id, &after, how, None)
                .inspect_err(|_| {
                    let _ = locked.write(id, &before);
                })
        })
    }

    /// Appends the `claim` event of the lease `after` holds, unless it is a renewal whose claim
    /// is already in the thread. Returns the outcome.
    pub(crate) fn record_claim(
        &self,
        id: &TicketId,
        after: &LeaseRecord,
        how: How,
        remote: Option<String>,
    ) -> Result<ClaimOutcome, AppError> {
        let backend = self.writer()?;
        let lease = after.lease.clone().ok_or(AppError::LeaseVanished {
            after: LeaseStep::Claim,
        })?;
        let mut path = None;
        let recorded = match how {
            How::New => false,
            How::Renewed => {
                let ticket = backend.show(&query(id.as_str())?)?;
                path = Some(display(&backend.path_of(&ticket.summary)));
                has_claim_event(&ticket, lease.token)
            }
        };
        if !recorded {
            let body = ClaimRecord {
                holder: lease.holder.clone(),
                token: lease.token,
                expires: Some(lease.expires),
                remote: remote.clone(),
            };
            let changed = append(backend, id, EventKind::Claim, &lease.holder, &body)?;
            path = Some(display(&backend.path_of(&changed.summary)));
        }
        Ok(ClaimOutcome {
            id: id.clone(),
            path: path.unwrap_or_default(),
            lease,
            renewed: how == How::Renewed,
            remote,
        })
    }

    /// Renews the lease of `token`: a later expiry, nothing else. Touches the lease store only
    /// (no tracked file). An expired lease nobody claimed since is renewed too; a token that
    /// was released or lost to a later claim is refused (`AppError::LeaseLost`).
    pub fn renew(&self, request: RenewRequest) -> Result<ClaimOutcome, AppError> {
        let ttl = request.ttl.unwrap_or_default();
        let id = self.resolve_id(&request.query)?;
        if let Some(remote) = request.remote {
            return self.renew_remote(&id, request.token, ttl, remote);
        }
        let store = self.writer()?;
        let now = store.now();
        let lease = store.with_lease_lock(|locked| {
            let before = locked.read(id.as_str())?;
            let after = claim::decide_renew(&before, request.token, now, ttl)
                .map_err(|r| refused(&id, r))?;
            locked.write(id.as_str(), &after)?;
            Ok::<_, AppError>(after.lease)
        })?;
        self.outcome(id, lease, true, None)
    }

    /// Releases the lease of `token`, with a `release` event; the next claim gets a higher token.
    pub fn release(&self, request: ReleaseRequest) -> Result<ClaimOutcome, AppError> {
        let id = self.resolve_id(&request.query)?;
        let store = self.writer()?;
        if let Some(remote) = request.remote {
            return self.release_remote(&id, request.token, remote);
        }
        store.with_lease_lock(|locked| {
            let before = locked.read(id.as_str())?;
            let (after, lease) =
                claim::decide_release(&before, request.token).map_err(|r| refused(&id, r))?;
            locked.write(id.as_str(), &after)?;
            self.record_release(&id, lease, None).inspect_err(|_| {
                let _ = locked.write(id.as_str(), &before);
            })
        })
    }

    pub(crate) fn record_release(
        &self,
        id: &TicketId,
        lease: Lease,
        remote: Option<String>,
    ) -> Result<ClaimOutcome, AppError> {
        let backend = self.writer()?;
        let body = ClaimRecord {
            holder: lease.holder.clone(),
            token: lease.token,
            expires: None,
            remote: remote.clone(),
        };
        let changed = append(backend, id, EventKind::Release, &lease.holder, &body)?;
        Ok(ClaimOutcome {
            id: id.clone(),
            path: display(&backend.path_of(&changed.summary)),
            lease,
            renewed: false,
            remote,
        })
    }

    /// Claims the best ready ticket nobody holds, in the ready queue's order: racing callers
    /// get different tickets, or `AppError::NothingReady` when every ready ticket is held.
    pub fn ready_claim(&self, request: ReadyClaimRequest) -> Result<ClaimOutcome, AppError> {
        let holder = self.holder(request.holder)?;
        let ttl = request.ttl.unwrap_or_default();
        let backend = self.writer()?;
        let now = backend.now();
        let queue = self.ready()?;
        // Ready but held: the ones a claim moved to the not ready ones, and any a racer takes.
        let held = queue
            .not_ready
            .iter()
            .filter(|n| {
                n.reasons
                    .iter()
                    .all(|r| matches!(r, Reason::Claimed { .. }))
            })
            .count();
        let candidates = queue.ready.len() + held;
        backend.with_lease_lock(|locked| {
            for entry in &queue.ready {
                let id = entry.id.as_str();
                let before = locked.read(id)?;
                if before.live(now).is_some() {
                    continue;
                }
                let Ok((after, how)) = claim::decide_claim(&before, &holder, now, ttl) else {
                    continue;
                };
                // Still open now (the queue was read before the lock): its frontmatter only.
                let open = backend
                    .find(&query(id)?)
                    .and_then(|found| backend.summary_at(&found))
                    .is_ok_and(|s| s.status == TicketStatus::Open);
                if !open {
                    continue;
                }
                locked.write(id, &after)?;
                return self
                    .record_claim(&entry.id, &after, how, None)
                    .inspect_err(|_| {
                        let _ = locked.write(id, &before);
                    });
            }
            Err(AppError::NothingReady { candidates })
        })
    }

    /// The live lease of ticket `id`, if any (for `show`).
    pub fn claim_of(&self, id: &str) -> Result<Option<Lease>, AppError> {
        let now = self.reader().now();
        let record = self.reader().lease(id)?;
        Ok(record.live(now).cloned())
    }

    /// Every live lease of the root, by ticket id (for `list`).
    pub fn live_claims(&self) -> Result<std::collections::HashMap<String, Lease>, AppError> {
        let now = self.reader().now();
        Ok(self
            .reader()
            .all_leases()?
            .into_iter()
            .filter_map(|(id, r)| r.live(now).cloned().map(|l| (id, l)))
            .collect())
    }

    /// The ready queue with the tickets someone holds a live lease on moved to the not ready
    /// ones (reason `claimed`).
    pub(crate) fn without_claimed(
        &self,
        mut queue: crate::ReadyQueue,
    ) -> Result<crate::ReadyQueue, AppError> {
        let claims = self.live_claims()?;
        if claims.is_empty() {
            return Ok(queue);
        }
        let (held, free): (Vec<_>, Vec<_>) = std::mem::take(&mut queue.ready)
            .into_iter()
            .partition(|e| claims.contains_key(e.id.as_str()));
        queue.ready = free;
        for entry in held {
            let Some(lease) = claims.get(entry.id.as_str()) else {
                continue;
            };
            let reason = claimed_reason(lease);
            let at = queue
                .not_ready
                .iter()
                .position(|n| crate::ready::best_first(&entry, &n.entry).is_lt())
                .unwrap_or(queue.not_ready.len());
            queue.not_ready.insert(
                at,
                crate::NotReady {
                    entry,
                    reasons: vec![reason],
                },
            );
        }
        Ok(queue)
    }

    /// The id of the ticket `q` names.
    pub(crate) fn resolve_id(&self, q: &str) -> Result<TicketId, AppError> {
        let reader = self.reader();
        let found = reader.find(&query(q)?)?;
        Ok(reader.summary_at(&found)?.id)
    }

    pub(crate) fn outcome(
        &self,
        id: TicketId,
        lease: Option<Lease>,
        renewed: bool,
        remote: Option<String>,
    ) -> Result<ClaimOutcome, AppError> {
        let lease = lease.ok_or(AppError::LeaseVanished {
            after: LeaseStep::Renewal,
        })?;
        let reader = self.reader();
        let found = reader.find(&query(id.as_str())?)?;
        Ok(ClaimOutcome {
            id,
            path: self.shown(&reader.path_at(&found)),
            lease,
            renewed,
            remote,
        })
    }
}

/// The reason `ready` gives for a ticket held by `lease`.
pub(crate) fn claimed_reason(lease: &Lease) -> Reason {
    Reason::Claimed {
        holder: lease.holder.clone(),
        token: lease.token,
        expires: lease.expires,
    }
}

/// A refusal of the domain as the use case's error, naming the ticket.
pub(crate) fn refused(id: &TicketId, r: Refusal) -> AppError {
    match r {
        Refusal::Held(lease) => AppError::Claimed {
            id: id.clone(),
            lease: Box::new(lease),
        },
        Refusal::Lost { token, current } => AppError::LeaseLost {
            id: id.clone(),
            token,
            current: current.map(Box::new),
        },
    }
}

/// Appends an event of `kind` by `author` with `record` as its body, through the one mutation
/// path.
fn append(
    backend: &impl Store,
    id: &TicketId,
    kind: EventKind,
    author: &str,
    record: &ClaimRecord,
) -> Result<Ticket, AppError> {
    let q = TicketIdOrSlug::new(id.as_str()).map_err(BackendError::from)?;
    let event = NewEvent::new(kind, author, record.render());
    Ok(backend.apply(&q, &Guard::none(), Change::AppendEvent(event))?)
}

/// Whether the thread holds the `claim` event of `token`.
fn has_claim_event(ticket: &Ticket, token: u64) -> bool {
    ticket.events.iter().any(|e| {
        e.kind == EventKind::Claim
            && ClaimRecord::parse(e.body.as_str()).is_ok_and(|r| r.token == token)
    })
}

/// The worktree and common directory of the repository `root` is in, if any: where the local
/// store keeps the root's leases.
pub(crate) fn git_place(root: &Path) -> Result<Option<GitPlace>, BackendError> {
    let Some(utf8) = Utf8Path::from_path(root) else {
        return Ok(None);
    };
    let repo = ticket_git::Repo::discover(utf8).map_err(|e| BackendError::Storage {
        location: root.display().to_string(),
        message: format!("the git repository holding the leases does not read: {e}"),
    })?;
    Ok(repo.map(|r| GitPlace {
        worktree: r.worktree.into_std_path_buf(),
        common_dir: r.common_dir.into_std_path_buf(),
    }))
}
