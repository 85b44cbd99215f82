//! Claims across clones (docs/claims.md, "Across clones"): the lease of a ticket lives in the
//! ref `refs/tickets/leases/<id>` of a git remote, a commit (empty tree) whose message is the
//! lease record, each one the parent of the next. A change is a compare-and-swap push:
//! `git push --force-with-lease=<ref>:<old> <remote> <new>:<ref>`, which the remote's
//! receive-pack applies only when the ref still holds `<old>` (or, empty, does not exist), under
//! its ref lock; so of any number of clones racing, exactly one moves the ref. A lost race reads
//! the ref again and decides again (a refusal names the holder). Tokens come from the remote's
//! record (never below this clone's own store). On success the clone's own store mirrors the
//! lease, so `show`, `ready` and `--token` see it here, and the claim or release is an event.

use ticket_domain::claim::{self, LeaseRecord, Ttl};
use ticket_domain::{LeaseTxn, Store, TicketId};
use ticket_git::Repo;

use crate::App;
use crate::claim::{ClaimOutcome, git_place, refused};
use crate::error::AppError;

/// How many times a claim reads and tries again after losing a race on the remote.
const ATTEMPTS: usize = 16;

/// The lease of a ticket on a remote: the commit its ref holds (none: no ref) and its record.
struct RemoteLease {
    sha: Option<String>,
    record: LeaseRecord,
}

/// The remote ref of ticket `id`'s lease.
pub fn lease_ref(id: &str) -> String {
    format!("refs/tickets/leases/{id}")
}

impl<S: Store> App<S> {
    fn repo(&self) -> Result<Repo, AppError> {
        let root = ticket_store_local::fsio::canonical(&self.root)?;
        git_place(&root).map_err(AppError::from)?;
        let utf8 = camino::Utf8Path::from_path(&root).ok_or_else(|| AppError::Env {
            var: "root",
            reason: format!(
                "{} is not UTF-8; a remote lease needs a UTF-8 path",
                root.display()
            ),
        })?;
        ticket_git::Repo::discover(utf8)
            .map_err(git_err)?
            .ok_or_else(|| AppError::NotInGit {
                root: self.root.clone(),
            })
    }

    pub(crate) fn claim_remote(
        &self,
        id: &TicketId,
        holder: &str,
        ttl: Ttl,
        remote: String,
    ) -> Result<ClaimOutcome, AppError> {
        let repo = self.repo()?;
        let store = self.writer()?;
        for _ in 0..ATTEMPTS {
            let now_remote = read(&repo, &remote, id)?;
            let local = store.lease(id.as_str())?;
            let base = LeaseRecord {
                token: now_remote.record.token.max(local.token),
                lease: now_remote.record.lease.clone(),
            };
            let (after, how) =
                claim::decide_claim(&base, holder, store.now(), ttl).map_err(|r| refused(id, r))?;
            if !swap(&repo, &remote, id, now_remote.sha.as_deref(), &after)? {
                continue;
            }
            return store.with_lease_lock(|locked: &dyn LeaseTxn| {
                locked.write(id.as_str(), &after)?;
                self.record_claim(id, &after, how, Some(remote.clone()))
            });
        }
        Err(busy(&remote, id))
    }

    pub(crate) fn renew_remote(
        &self,
        id: &TicketId,
        token: u64,
        ttl: Ttl,
        remote: String,
    ) -> Result<ClaimOutcome, AppError> {
        let repo = self.repo()?;
        let store = self.writer()?;
        for _ in 0..ATTEMPTS {
            let now_remote = read(&repo, &remote, id)?;
            let after = claim::decide_renew(&now_remote.record, token, store.now(), ttl)
                .map_err(|r| refused(id, r))?;
            if !swap(&repo, &remote, id, now_remote.sha.as_deref(), &after)? {
                continue;
            }
            store.with_lease_lock(|locked: &dyn LeaseTxn| locked.write(id.as_str(), &after))?;
            return self.outcome(id.clone(), after.lease, true, Some(remote));
        }
        Err(busy(&remote, id))
    }

    pub(crate) fn release_remote(
        &self,
        id: &TicketId,
        token: u64,
        remote: String,
    ) -> Result<ClaimOutcome, AppError> {
        let repo = self.repo()?;
        let store = self.writer()?;
        for _ in 0..ATTEMPTS {
            let now_remote = read(&repo, &remote, id)?;
            let (after, lease) =
                claim::decide_release(&now_remote.record, token).map_err(|r| refused(id, r))?;
            if !swap(&repo, &remote, id, now_remote.sha.as_deref(), &after)? {
                continue;
            }
            return store.with_lease_lock(|locked: &dyn LeaseTxn| {
                locked.write(id.as_str(), &after)?;
                self.record_release(id, lease, Some(remote.clone()))
            });
        }
        Err(busy(&remote, id))
    }
}

fn git_err(source: ticket_git::GitError) -> AppError {
    AppError::Git { source }
}

fn busy(remote: &str, id: &TicketId) -> AppError {
    AppError::RemoteLease {
        remote: remote.to_owned(),
        id: id.clone(),
        reason: format!("the ref kept changing under {ATTEMPTS} attempts; try again"),
    }
}

/// The lease of `id` on `remote` now: `git ls-remote`, then the commit (fetched when this clone
/// lacks it) and its message.
fn read(repo: &Repo, remote: &str, id: &TicketId) -> Result<RemoteLease, AppError> {
    let reference = lease_ref(id.as_str());
    let listed = repo
        .git(["ls-remote", remote, reference.as_str()])
        .map_err(git_err)?;
    let Some(sha) = listed.split_whitespace().next().map(str::to_owned) else {
        return Ok(RemoteLease {
            sha: None,
            record: LeaseRecord::default(),
        });
    };
    if repo.git(["cat-file", "-e", sha.as_str()]).is_err() {
        repo.git([
            "fetch",
            "-q",
            "--no-write-fetch-head",
            "--no-tags",
            remote,
            reference.as_str(),
        ])
        .map_err(git_err)?;
    }
    // The ref may have moved between the listing and the fetch: then this commit is absent and
    // the caller's swap of it fails, which reads again.
    let text = match repo.git(["cat-file", "commit", sha.as_str()]) {
        Ok(text) => text,
        Err(_) => {
            return Ok(RemoteLease {
                sha: Some(sha),
                record: LeaseRecord::default(),
            });
        }
    };
    let message = text.split_once("\n\n").map(|(_, m)| m).unwrap_or_default();
    let record = LeaseRecord::parse(message).map_err(|reason| AppError::RemoteLease {
        remote: remote.to_owned(),
        id: id.clone(),
        reason: format!(
            "it does not read as a lease record ({reason}); delete that ref on the remote to free the ticket"
        ),
    })?;
    Ok(RemoteLease {
        sha: Some(sha),
        record,
    })
}

/// Moves `id`'s lease ref on `remote` from `expected` (none: the ref must not exist) to a
/// commit of `record`. `false` when another clone moved it first.
fn swap(
    repo: &Repo,
    remote: &str,
    id: &TicketId,
    expected: Option<&str>,
    record: &LeaseRecord,
) -> Result<bool, AppError> {
    let reference = lease_ref(id.as_str());
    let tree = repo.git_with_input(["mktree"], b"").map_err(git_err)?;
    let message = record.render();
    let mut args = vec![
        "-c",
        "user.name=ticket",
        "-c",
        "user.email=ticket@localhost",
        "commit-tree",
        tree.trim(),
        "-m",
        message.as_str(),
    ];
    if let Some(parent) = expected {
        args.extend(["-p", parent]);
    }
    let commit = repo.git(args).map_err(git_err)?;
    let lease = format!("--force-with-lease={reference}:{}", expected.unwrap_or(""));
    let refspec = format!("{}:{reference}", commit.trim());
    match repo.git([
        "push",
        "-q",
        "--no-verify",
        lease.as_str(),
        remote,
        refspec.as_str(),
    ]) {
        Ok(_) => Ok(true),
        Err(e) => {
            // Lost the race when the ref moved; any other failure (no such remote, no network)
            // is the error itself.
            let now = repo
                .git(["ls-remote", remote, reference.as_str()])
                .map_err(git_err)?;
            let sha = now.split_whitespace().next();
            if sha != expected {
                Ok(false)
            } else {
                Err(git_err(e))
            }
        }
    }
}
