//! Tickets across branches, worktrees and clones (docs/sync.md): git's merge drivers for
//! `thread.md` and `item.md`, the notes an item merge leaves for what it did not keep, the repair
//! of what a merge leaves (one ticket in two status directories), and `sync`: commit, fetch,
//! merge, repair, push.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ticket_domain::{BackendError, Change, Guard, Place, Rename, TicketId, TicketStatus, Tickets};
use ticket_format::merge::{Lost, merge_item, merge_threads};
use ticket_git::Repo;
use ticket_store_local::layout::{self, TicketPath};
use ticket_store_local::merging;

use crate::App;
use crate::change::CommentRequest;
use crate::error::{AppError, SyncStop};
use crate::init::{DRIVERS, driver_command, repo_of};

/// Which file a merge driver merges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DriverKind {
    Thread,
    Item,
}

/// What a driver run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DriverOutcome {
    /// Values a conflict did not keep, left in a note for the next sync or repair to record.
    pub lost: usize,
    /// Where the note is, when one was written.
    pub note: Option<String>,
}

/// The event kind and author of the events that record what a merge did not keep.
pub const MERGE_EVENT: &str = "merge";
pub const MERGE_AUTHOR: &str = "ticket merge";
fn read_file(path: &Path) -> Result<String, AppError> {
    match merging::read_text(path) {
        Ok(Some(text)) => Ok(text),
        Ok(None) => Err(AppError::MergeFile {
            path: path.to_path_buf(),
            message: "is not UTF-8; merge this file by hand".into(),
        }),
        Err(e) => Err(AppError::MergeFile {
            path: path.to_path_buf(),
            message: format!("cannot be read ({e})"),
        }),
    }
}

/// The body of the event that records what a merge of `id`'s item.md did not keep.
pub fn lost_record(lost: &[Lost]) -> String {
    let mut out = String::from(
        "Both sides of a merge changed these; the later edit was kept (+) and the other value is kept here (-).\n\n",
    );
    for l in lost {
        let line = |sign: char, v: &Option<String>| match v {
            Some(v) if v.contains('\n') => v
                .split_inclusive('\n')
                .map(|l| format!("{sign} {l}"))
                .collect::<String>(),
            Some(v) => format!("{sign} {}: {v}\n", l.key),
            None => format!("{sign} {}: (absent)\n", l.key),
        };
        if l.key == ticket_format::merge::item::BODY || l.key == ticket_format::merge::item::WHOLE {
            out.push_str(&format!("--- {} (not kept)\n", l.key));
            out.push_str(&line('-', &l.lost));
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("+++ {} (kept)\n", l.key));
            out.push_str(&line('+', &l.kept));
            if !out.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(&line('-', &l.lost));
            out.push_str(&line('+', &l.kept));
        }
    }
    out
}

/// git's merge driver: merges `ours` (`%A`) with `theirs` (`%B`) against `base` (`%O`, empty for
/// two files added on both sides) and writes the result into `ours`. `path` (`%P`) names the
/// ticket. Never leaves a conflict marker; what an item merge does not keep goes into a note in
/// the git directory of the worktree (`cwd`), which the next sync or repair records as an event.
///
/// `base_rev` (given by `sync`) is the merge base commit: when git gives no base (the file was
/// added on both sides, as a ticket moved to the same status on both is, without rename
/// detection), the ticket's file at that commit, in whichever status it was, is the base.
pub fn merge_driver(
    kind: DriverKind,
    base: &Path,
    ours: &Path,
    theirs: &Path,
    path: &str,
    cwd: &Path,
    base_rev: Option<&str>,
) -> Result<DriverOutcome, AppError> {
    let (mut b, o, t) = (read_file(base)?, read_file(ours)?, read_file(theirs)?);
    if b.is_empty()
        && let Some(rev) = base_rev
        && let Some(found) = file_at(cwd, rev, path)?
    {
        b = found;
    }
    let base_text = (!b.is_empty()).then_some(b.as_str());
    let mut outcome = DriverOutcome::default();
    let merged = match kind {
        DriverKind::Thread => merge_threads(base_text, &o, &t).text,
        DriverKind::Item => {
            let m = merge_item(base_text, &o, &t);
            if !m.lost.is_empty() {
                outcome.lost = m.lost.len();
                let id = TicketPath::ending(path).map_or_else(|| "unknown".to_owned(), |p| p.id);
                outcome.note = write_note(cwd, &id, &lost_record(&m.lost))?;
            }
            m.text
        }
    };
    merging::write_result(ours, &merged).map_err(|e| AppError::MergeFile {
        path: ours.to_path_buf(),
        message: format!("cannot be written ({e})"),
    })?;
    Ok(outcome)
}

/// The file `path` (`<root>/<status>/<id>/<name>`) at commit `rev`, under any status.
fn file_at(cwd: &Path, rev: &str, path: &str) -> Result<Option<String>, AppError> {
    let Some(repo) = repo_of(cwd)? else {
        return Ok(None);
    };
    let Some(file) = TicketPath::ending(path) else {
        return Ok(None);
    };
    // Where the root is in the worktree: what comes before the ticket's three parts.
    let root = path
        .strip_suffix(&file.to_string())
        .map_or("", |r| r.trim_end_matches('/'));
    for status in layout::STATUS_DIRS {
        let spec = format!("{rev}:{}", file.in_status(status).in_root(root));
        let out = repo.git_outcome(["show", spec.as_str()])?;
        if out.success() {
            return Ok(Some(out.stdout));
        }
    }
    Ok(None)
}

/// Writes a note for ticket `id` under the worktree's git directory; `None` outside git.
fn write_note(cwd: &Path, id: &str, body: &str) -> Result<Option<String>, AppError> {
    let Some(repo) = repo_of(cwd)? else {
        return Ok(None);
    };
    let path = merging::write_note(repo.git_dir.as_std_path(), id, body).map_err(|e| {
        AppError::MergeFile {
            path: repo.git_dir.join(layout::MERGE_NOTES_DIR).into(),
            message: format!("a note cannot be written ({e})"),
        }
    })?;
    Ok(Some(path.display().to_string()))
}

/// What a repair did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Repaired {
    /// Tickets merged from several status directories: (id, statuses, status now).
    pub merged: Vec<(String, Vec<String>, String)>,
    /// Tickets renamed apart from another with the same id: (old id, new id).
    pub renamed: Vec<(String, String)>,
    /// Events recorded from merge notes: ticket ids.
    pub recorded: Vec<String>,
    /// Notes that could not be recorded (their ticket is gone): paths, left in place.
    pub notes_left: Vec<String>,
}

impl Repaired {
    pub fn is_empty(&self) -> bool {
        self.merged.is_empty() && self.renamed.is_empty() && self.recorded.is_empty()
    }
}

/// A new id for a ticket renamed apart: its id and a short hash of its own `create` event.
fn apart_id(id: &str, create: &str) -> Result<TicketId, AppError> {
    let h = create.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    Ok(TicketId::new(format!("{id}-{:06x}", h & 0xff_ffff)).map_err(BackendError::from)?)
}

/// The first line of a thread: its `create` event's header.
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

impl App {
    /// Repairs what a merge left in the root: each ticket found in several status directories
    /// is merged into one (two tickets that share an id are renamed apart instead), and the
    /// notes item merges left are recorded as `merge` events. A writer: it takes the lock.
    pub fn repair(&self) -> Result<Repaired, AppError> {
        self.repair_against(&|_| None)
    }

    /// [`repair`](Self::repair), with each ticket's version the copies share (`base(id)`:
    /// thread.md and item.md), when known.
    fn repair_against(
        &self,
        base: &dyn Fn(&str) -> Option<(String, String)>,
    ) -> Result<Repaired, AppError> {
        let backend = self.writer()?;
        let mut out = Repaired::default();
        let repair = backend.repair_copies_against(base)?;
        for r in repair.repaired {
            if !r.lost.is_empty() {
                self.record(&r.id, &lost_record(&r.lost))?;
                out.recorded.push(r.id.clone());
            }
            out.merged.push((r.id, r.from, r.to));
        }
        for c in repair.collisions {
            // Every copy but the first status's is renamed apart, by its own create event.
            for status in c.statuses.iter().skip(1) {
                let thread = backend.thread_text(status, &c.id).unwrap_or_default();
                let new_id = apart_id(&c.id, first_line(&thread))?;
                self.rename_apart(status, &c.id, &new_id)?;
                out.renamed.push((c.id.clone(), new_id.to_string()));
            }
        }
        if let Some(repo) = repo_of(&self.root)? {
            for note in merging::notes(repo.git_dir.as_std_path()) {
                if self.locations(&note.id).is_empty() {
                    out.notes_left.push(note.path.display().to_string());
                    continue;
                }
                self.record(&note.id, &note.body)?;
                merging::remove_note(&note);
                out.recorded.push(note.id);
            }
        }
        Ok(out)
    }

    /// Renames the ticket `<status>/<id>` to `new_id`, apart from another ticket created with
    /// the same id elsewhere: a [`Change::Rename`] at its place, at the version just read, so a
    /// write in between refuses it rather than being renamed unseen.
    fn rename_apart(&self, status: &str, id: &str, new_id: &TicketId) -> Result<(), AppError> {
        let backend = self.writer()?;
        let at = Place {
            status: TicketStatus::parse(status),
            name: id.to_owned(),
        };
        let version = backend.ticket_at(&at)?.version;
        let rename = Rename {
            to: new_id.clone(),
            author: MERGE_AUTHOR.into(),
            reason: Some(format!(
                "Another ticket was created with the id {id} on another clone; this one was renamed apart."
            )),
        };
        backend.apply_at(&at, &Guard::at(version), Change::Rename(rename))?;
        Ok(())
    }

    fn record(&self, id: &str, body: &str) -> Result<(), AppError> {
        self.comment(CommentRequest {
            query: id.to_owned(),
            role: MERGE_EVENT.into(),
            author: Some(MERGE_AUTHOR.into()),
            body: Some(body.to_owned()),
            guard: Guard::none(),
            allow_new: true,
        })?;
        Ok(())
    }
}

/// A sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncRequest {
    pub remote: String,
    /// The command that starts this program, quoted for the shell (for the merge drivers).
    pub program: String,
    /// How many times to merge again when the remote moved before the push.
    pub attempts: usize,
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Synced {
    pub branch: String,
    /// The message of the commit of local changes, when there were any.
    pub committed: Option<String>,
    /// Whether the remote had commits that were merged.
    pub merged: bool,
    pub repaired: Repaired,
    /// Whether anything was pushed.
    pub pushed: bool,
    /// How many fetch-merge-push rounds it took.
    pub rounds: usize,
}

fn stopped(stop: SyncStop) -> AppError {
    AppError::SyncStopped { stop }
}

/// The ticket ids of paths under the root (`<rel>/<status>/<id>/...`).
fn ids_of(paths: &str, rel: &str) -> BTreeSet<String> {
    paths
        .lines()
        .filter_map(|l| l.rsplit('\t').next())
        .filter_map(|p| TicketPath::under(rel, p))
        .map(|p| p.id)
        .collect()
}

/// The commit message of local changes to these tickets.
fn message(ids: &BTreeSet<String>) -> String {
    let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
    let more = ids.len().saturating_sub(shown.len());
    let mut m = format!(
        "tickets: {} ticket{} changed: {}",
        ids.len(),
        if ids.len() == 1 { "" } else { "s" },
        shown.join(", ")
    );
    if more > 0 {
        m.push_str(&format!(" and {more} more"));
    }
    m
}

struct Ctx<'a> {
    repo: Repo,
    /// The root relative to the worktree (`work-items`), `/`-separated.
    rel: String,
    app: &'a App,
    request: &'a SyncRequest,
}

impl Ctx<'_> {
    fn git(&self, args: &[&str]) -> Result<String, AppError> {
        Ok(self.repo.git(args)?)
    }

    /// `git -c merge.<driver>.driver=... <args>`: the drivers of this very program, whatever
    /// the config says.
    fn git_with_drivers(&self, base: &str, args: &[&str]) -> Result<ticket_git::Outcome, AppError> {
        let mut all: Vec<String> = Vec::new();
        for (name, _, which) in DRIVERS {
            all.push("-c".into());
            let with_base = format!("{which} --base-rev {base}");
            let which = if base.is_empty() {
                which
            } else {
                with_base.as_str()
            };
            all.push(format!(
                "merge.{name}.driver={}",
                driver_command(&self.request.program, which)
            ));
        }
        all.extend(args.iter().map(|a| (*a).to_owned()));
        Ok(self.repo.git_outcome(&all)?)
    }

    /// Commits the root's changes, if any, with a message naming the tickets.
    fn commit_root(&self, what: Option<&str>) -> Result<Option<String>, AppError> {
        self.git(&["add", "-A", "--", &self.rel])?;
        let staged = self.git(&["diff", "--cached", "--name-status", "--", &self.rel])?;
        if staged.trim().is_empty() {
            return Ok(None);
        }
        let m = match what {
            Some(w) => format!("{w}\n\n{}", message(&ids_of(&staged, &self.rel))),
            None => message(&ids_of(&staged, &self.rel)),
        };
        self.git(&["commit", "-q", "--no-verify", "-m", &m, "--", &self.rel])?;
        Ok(Some(m))
    }

    /// Renames apart our tickets that share an id with a different ticket of `theirs` (both
    /// created since `base`), before merging, so git never meets them as one.
    fn rename_collisions(
        &self,
        base: &str,
        theirs: &str,
    ) -> Result<Vec<(String, String)>, AppError> {
        let list = |rev: &str| -> Result<BTreeMap<String, TicketPath>, AppError> {
            let out = self.git(&["ls-tree", "-r", "--name-only", rev, "--", &self.rel])?;
            Ok(out
                .lines()
                .filter_map(|p| TicketPath::under(&self.rel, p))
                .filter(|t| t.file == layout::THREAD)
                .map(|t| (t.id.clone(), t))
                .collect())
        };
        let (ours, theirs_map) = (list("HEAD")?, list(theirs)?);
        let based = if base.is_empty() {
            BTreeMap::new()
        } else {
            list(base)?
        };
        let mut renamed = Vec::new();
        for (id, our_path) in &ours {
            let Some(their_path) = theirs_map.get(id) else {
                continue;
            };
            if based.contains_key(id) {
                continue;
            }
            let show = |rev: &str, p: &TicketPath| {
                self.git(&["show", &format!("{rev}:{}", p.in_root(&self.rel))])
            };
            let (o, t) = (show("HEAD", our_path)?, show(theirs, their_path)?);
            if first_line(&o) == first_line(&t) {
                continue;
            }
            let new_id = apart_id(id, first_line(&o))?;
            self.app.rename_apart(&our_path.status, id, &new_id)?;
            renamed.push((id.clone(), new_id.to_string()));
        }
        Ok(renamed)
    }

    /// The thread.md and item.md of ticket `id` at commit `base`, in whichever status it was.
    fn base_version(&self, base: &str, id: &str) -> Option<(String, String)> {
        if base.is_empty() {
            return None;
        }
        layout::STATUS_DIRS.iter().find_map(|status| {
            let at = |name: &str| {
                let file = TicketPath {
                    status: (*status).to_owned(),
                    id: id.to_owned(),
                    file: name.to_owned(),
                };
                let spec = format!("{base}:{}", file.in_root(&self.rel));
                self.repo
                    .git_outcome(["show", spec.as_str()])
                    .ok()
                    .filter(ticket_git::Outcome::success)
                    .map(|o| o.stdout)
            };
            Some((at(layout::THREAD)?, at(layout::ITEM)?))
        })
    }

    /// After a merge that stopped on conflicts: those under the root are resolved by keeping
    /// every file git left (the repair merges the copies); any other stops the sync, the merge
    /// undone.
    fn settle_conflicts(&self) -> Result<(), AppError> {
        let unmerged = self.git(&["diff", "--name-only", "--diff-filter=U"])?;
        let prefix = format!("{}/", self.rel);
        let outside: Vec<&str> = unmerged
            .lines()
            .filter(|p| !self.rel.is_empty() && !p.starts_with(&prefix))
            .collect();
        if !outside.is_empty() {
            let _ = self.git(&["merge", "--abort"]);
            return Err(stopped(SyncStop::ConflictOutside {
                paths: outside.iter().map(|p| p.to_string()).collect(),
            }));
        }
        for path in unmerged.lines() {
            // Which versions git holds: 1 base, 2 ours, 3 theirs. Ours is kept where both are
            // (never a file with conflict markers); the one version left where a side removed
            // or moved it (the repair merges the copies).
            let stages: BTreeSet<String> = self
                .git(&["ls-files", "-u", "--", path])?
                .lines()
                .filter_map(|l| l.split('\t').next()?.split(' ').nth(2).map(str::to_owned))
                .collect();
            let side = if stages.contains("2") {
                Some("--ours")
            } else if stages.contains("3") {
                Some("--theirs")
            } else {
                None
            };
            let name = path.rsplit('/').next().unwrap_or(path);
            let both = stages.contains("2") && stages.contains("3");
            if both && (name == layout::THREAD || name == layout::ITEM) {
                // git met renames it could not pair (a ticket moved on both sides, its thread
                // grown past git's similarity) and did not run the driver: merge here.
                let show = |stage: &str| self.git(&["show", &format!(":{stage}:{path}")]);
                let base = if stages.contains("1") {
                    Some(show("1")?)
                } else {
                    None
                };
                let (o, t) = (show("2")?, show("3")?);
                let merged = if name == layout::THREAD {
                    merge_threads(base.as_deref(), &o, &t).text
                } else {
                    let m = merge_item(base.as_deref(), &o, &t);
                    if !m.lost.is_empty() {
                        let id =
                            TicketPath::ending(path).map_or_else(|| "unknown".to_owned(), |p| p.id);
                        write_note(self.repo.worktree.as_std_path(), &id, &lost_record(&m.lost))?;
                    }
                    m.text
                };
                let full = self.repo.worktree.join(path);
                let timeout = self.app.settings.lock_timeout()?;
                merging::write_in_root(&self.app.root, full.as_std_path(), &merged, timeout)
                    .map_err(|e| AppError::MergeFile {
                        path: full.clone().into(),
                        message: format!("cannot be written ({e})"),
                    })?;
                self.git(&["add", "--", path])?;
                continue;
            }
            match side {
                Some(side) => {
                    self.git(&["checkout", side, "--", path])?;
                    self.git(&["add", "--", path])?;
                }
                None => {
                    self.git(&["rm", "-q", "--cached", "--ignore-unmatch", "--", path])?;
                }
            }
        }
        Ok(())
    }
}

impl App {
    /// Commits the root's changes, fetches `remote`, merges its branch with the drivers,
    /// repairs what the merge left, and pushes, merging again when the remote moved meanwhile.
    pub fn sync(&self, request: &SyncRequest) -> Result<Synced, AppError> {
        let repo = repo_of(&self.root)?.ok_or_else(|| AppError::NotInGit {
            root: self.root.clone(),
        })?;
        let abs_root = std::path::absolute(&self.root).unwrap_or_else(|_| self.root.clone());
        let rel = abs_root
            .strip_prefix(repo.worktree.as_std_path())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if merging::merge_in_progress(repo.git_dir.as_std_path()) {
            return Err(stopped(SyncStop::MergeInProgress));
        }
        let ctx = Ctx {
            repo,
            rel,
            app: self,
            request,
        };
        let branch = ctx
            .repo
            .git_outcome(["symbolic-ref", "--short", "-q", "HEAD"])?;
        if !branch.success() {
            return Err(stopped(SyncStop::DetachedHead));
        }
        let local = branch.stdout.trim().to_owned();
        // The remote branch: the one the local branch tracks (a worktree's own branch can track
        // the shared one), else the same name.
        let tracked =
            ctx.repo
                .git_outcome(["config", "--get", &format!("branch.{local}.merge")])?;
        let branch = tracked
            .stdout
            .trim()
            .strip_prefix("refs/heads/")
            .filter(|b| tracked.success() && !b.is_empty())
            .unwrap_or(&local)
            .to_owned();
        let mut synced = Synced {
            branch: branch.clone(),
            ..Synced::default()
        };
        let repaired = self.repair()?;
        synced.committed = ctx.commit_root(None)?;
        merge_repaired(&mut synced.repaired, repaired);
        let remote_ref = format!("refs/remotes/{}/{branch}", request.remote);
        for round in 1..=request.attempts.max(1) {
            synced.rounds = round;
            let fetch =
                ctx.repo
                    .git_outcome(["fetch", "-q", request.remote.as_str(), branch.as_str()])?;
            let remote_exists = if fetch.success() {
                // Keep the remote-tracking ref up to date even without a configured refspec.
                ctx.git(&["update-ref", &remote_ref, "FETCH_HEAD"])?;
                true
            } else if fetch.stderr.contains("couldn't find remote ref") {
                false
            } else {
                return Err(AppError::Git {
                    source: fetch.into_error(
                        &ctx.repo.worktree,
                        format!("fetch {} {branch}", request.remote),
                    ),
                });
            };
            if remote_exists {
                let up_to_date = ctx
                    .repo
                    .git_outcome(["merge-base", "--is-ancestor", remote_ref.as_str(), "HEAD"])?
                    .success();
                if !up_to_date {
                    let base = ctx
                        .repo
                        .git_outcome(["merge-base", "HEAD", remote_ref.as_str()])?
                        .stdout
                        .trim()
                        .to_owned();
                    let renamed = ctx.rename_collisions(&base, &remote_ref)?;
                    if !renamed.is_empty() {
                        ctx.commit_root(Some(
                            "tickets: renamed apart from tickets of the same id",
                        ))?;
                        synced.repaired.renamed.extend(renamed);
                    }
                    // No rename detection: git would pair two young tickets' look-alike files
                    // (a fresh thread of one create event, an empty .gitkeep) and merge
                    // different tickets into one. A ticket moved on one side and changed on the
                    // other comes out as two copies instead, which the repair merges against the
                    // base. `ort` (git 2.47) detects renames despite `no-renames`; `recursive`
                    // honours it.
                    let merge = ctx.git_with_drivers(
                        &base,
                        &[
                            "merge",
                            "-q",
                            "-s",
                            "recursive",
                            "-X",
                            "no-renames",
                            "--no-edit",
                            "--no-verify",
                            "-m",
                            &format!("tickets: merge {}/{branch}", request.remote),
                            &remote_ref,
                        ],
                    )?;
                    if !merge.success() {
                        ctx.settle_conflicts()?;
                        let m = format!("tickets: merge {}/{branch}", request.remote);
                        ctx.git(&["commit", "-q", "--no-verify", "-m", &m])?;
                    }
                    synced.merged = true;
                    let base_of = |id: &str| ctx.base_version(&base, id);
                    let repaired = self.repair_against(&base_of)?;
                    if !repaired.is_empty() {
                        ctx.commit_root(Some("tickets: repaired after merge"))?;
                    }
                    merge_repaired(&mut synced.repaired, repaired);
                }
                let same = ctx.git(&["rev-parse", "HEAD", &remote_ref])?;
                let mut revs = same.lines();
                if revs.next() == revs.next() {
                    return Ok(synced);
                }
            }
            let push = ctx.repo.git_outcome([
                "push",
                "-q",
                request.remote.as_str(),
                &format!("HEAD:refs/heads/{branch}"),
            ])?;
            if push.success() {
                synced.pushed = true;
                let _ = ctx.git(&["update-ref", &remote_ref, "HEAD"]);
                return Ok(synced);
            }
            let moved = ["rejected", "fetch first", "non-fast-forward", "stale info"]
                .iter()
                .any(|w| push.stderr.contains(w));
            if !moved {
                return Err(AppError::Git {
                    source: push.into_error(
                        &ctx.repo.worktree,
                        format!("push {} HEAD:{branch}", request.remote),
                    ),
                });
            }
        }
        Err(stopped(SyncStop::RemoteKeptMoving {
            rounds: request.attempts,
        }))
    }
}

fn merge_repaired(into: &mut Repaired, more: Repaired) {
    into.merged.extend(more.merged);
    into.renamed.extend(more.renamed);
    into.recorded.extend(more.recorded);
    into.notes_left.extend(more.notes_left);
}
