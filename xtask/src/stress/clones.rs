//! `clones`: tickets across clones and worktrees with real git (issue 17). A bare remote, four
//! clones and two linked worktrees of the first (their branches track `main`), random operations
//! on each (create, comment (a third by tickets.sh), review, edit, link, status, close, reopen),
//! each syncing at random
//! moments with `ticket sync`. After everyone has synced twice: every tree is byte-identical,
//! every acknowledged event is present exactly once, no file holds a conflict marker, no ticket
//! sits in two status directories, both doctors pass.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ticket_format::thread;

use super::{Env, Tool};
use crate::rng::Rng;

/// What a run measured.
pub struct Figures {
    pub participants: usize,
    pub ops: usize,
    pub acknowledged: usize,
    pub refused: usize,
    pub syncs: usize,
    pub merges: usize,
    pub tickets: usize,
    pub events: usize,
    pub seconds: f64,
    /// The slowest sync with nothing to do, and what its `git fetch` alone took, in ms.
    pub noop_sync_ms: f64,
    pub noop_fetch_ms: f64,
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "stress")
        .env("GIT_AUTHOR_EMAIL", "stress@localhost")
        .env("GIT_COMMITTER_NAME", "stress")
        .env("GIT_COMMITTER_EMAIL", "stress@localhost")
        .output()
        .map_err(|e| format!("git {args:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {args:?} in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// One clone or worktree.
struct Participant {
    name: String,
    dir: PathBuf,
}

impl Participant {
    fn root(&self) -> PathBuf {
        self.dir.join("work-items")
    }

    fn ticket(
        &self,
        env: &Env,
        args: &[String],
        stdin: Option<&str>,
    ) -> Result<(bool, String, String), String> {
        self.run(env, Tool::Cli, args, stdin)
    }

    fn run(
        &self,
        env: &Env,
        tool: Tool,
        args: &[String],
        stdin: Option<&str>,
    ) -> Result<(bool, String, String), String> {
        let mut cmd = env.command(tool, &self.root());
        cmd.current_dir(&self.dir)
            .args(args)
            .env("USER", &self.name)
            .env("GIT_AUTHOR_NAME", &self.name)
            .env("GIT_AUTHOR_EMAIL", "stress@localhost")
            .env("GIT_COMMITTER_NAME", &self.name)
            .env("GIT_COMMITTER_EMAIL", "stress@localhost");
        let out = match stdin {
            Some(text) => {
                let file = self.dir.join(".git-stress-body");
                fs::write(&file, text).map_err(|e| e.to_string())?;
                cmd.stdin(fs::File::open(&file).map_err(|e| e.to_string())?);
                cmd.output()
            }
            None => cmd.output(),
        }
        .map_err(|e| format!("cannot run ticket: {e}"))?;
        Ok((
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ))
    }

    /// The ids of its tickets now, by directory name.
    fn ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for status in ["open", "pending", "closed"] {
            if let Ok(rd) = fs::read_dir(self.root().join(status)) {
                ids.extend(
                    rd.flatten()
                        .filter(|e| e.path().is_dir())
                        .map(|e| e.file_name().to_string_lossy().into_owned()),
                );
            }
        }
        ids.sort();
        ids
    }

    fn sync(&self, env: &Env) -> Result<String, String> {
        let (ok, out, err) = self.ticket(env, &["sync".into()], None)?;
        if !ok {
            return Err(format!("{}: ticket sync failed: {err}{out}", self.name));
        }
        Ok(out)
    }
}

/// Every file under `root` but the local ones, with its bytes.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if [".lock", ".index", ".tmp", ".leases"].contains(&name.as_str()) {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = fs::read(&p) {
                let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
                files.insert(rel, bytes);
            }
        }
    }
    files
}

/// Runs `ops` random operations over the participants; returns the figures or every problem.
pub fn run(env: &Env, ops: usize, seed: u64) -> Result<Figures, String> {
    let started = Instant::now();
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    // STRESS_KEEP=1 keeps the clones for a look after a failure.
    let kept;
    let base = if std::env::var_os("STRESS_KEEP").is_some() {
        kept = scratch.keep();
        println!("clones: kept in {}", kept.display());
        kept.as_path()
    } else {
        scratch.path()
    };
    git(base, &["init", "-q", "--bare", "-b", "main", "remote.git"])?;
    let mut people: Vec<Participant> = Vec::new();
    for i in 0..4 {
        let name = format!("clone{i}");
        git(base, &["clone", "-q", "remote.git", &name])?;
        let dir = base.join(&name);
        if i == 0 {
            git(&dir, &["checkout", "-q", "-b", "main"])?;
        }
        people.push(Participant { name, dir });
    }
    // The first clone starts the root and publishes it.
    let first = &people[0];
    let (ok, _, err) = first.ticket(env, &["init".into()], None)?;
    if !ok {
        return Err(format!("ticket init: {err}"));
    }
    git(&first.dir, &["add", "-A"])?;
    git(&first.dir, &["commit", "-q", "-m", "init"])?;
    git(&first.dir, &["push", "-q", "origin", "main"])?;
    for p in &people[1..] {
        git(&p.dir, &["pull", "-q", "origin", "main"])?;
        let (ok, _, err) = p.ticket(env, &["init".into()], None)?;
        if !ok {
            return Err(format!("ticket init in {}: {err}", p.name));
        }
    }
    // Two worktrees of the first clone, each on a branch of its own that tracks main.
    for w in ["wt1", "wt2"] {
        let path = base.join(w);
        git(
            &people[0].dir,
            &[
                "worktree",
                "add",
                "-q",
                "--track",
                "-b",
                w,
                path.to_str().unwrap_or(w),
                "origin/main",
            ],
        )?;
        people.push(Participant {
            name: w.to_owned(),
            dir: path,
        });
    }
    let mut rng = Rng::new(seed);
    let mut tokens: Vec<(String, &'static str)> = Vec::new();
    let (mut acknowledged, mut refused, mut syncs, mut merges, mut creates) = (0, 0, 0, 0, 0);
    for n in 0..ops {
        let who = usize::try_from(rng.below(people.len() as u64)).unwrap_or(0);
        let p = &people[who];
        let ids = p.ids();
        let token = format!("op-{}-{n}", p.name);
        let pick = |rng: &mut Rng| {
            ids.get(usize::try_from(rng.below(ids.len().max(1) as u64)).unwrap_or(0))
                .cloned()
        };
        let choice = if ids.is_empty() { 0 } else { rng.below(10) };
        let (args, stdin, kind): (Vec<String>, Option<String>, &'static str) =
            match (choice, pick(&mut rng)) {
                (0 | 1, _) | (_, None) => (
                    vec!["create".into(), "--title".into(), format!("Ticket {token}")],
                    None,
                    "create",
                ),
                (2 | 3, Some(id)) => (
                    vec!["comment".into(), id],
                    Some(format!("{token}\n")),
                    "comment",
                ),
                (4, Some(id)) => (
                    vec![
                        "review".into(),
                        id,
                        if rng.below(2) == 0 {
                            "--approve"
                        } else {
                            "--request-changes"
                        }
                        .into(),
                    ],
                    Some(format!("{token}\n")),
                    "review",
                ),
                (5, Some(id)) => {
                    let mut a = vec![
                        "edit".into(),
                        id,
                        "--title".into(),
                        format!("Title {token}"),
                    ];
                    if rng.below(2) == 0 {
                        a.extend(["--label-add".into(), format!("l{}", rng.below(4))]);
                    } else {
                        a.extend(["--label-rm".into(), format!("l{}", rng.below(4))]);
                    }
                    (a, None, "edit")
                }
                (6, Some(id)) => match pick(&mut rng) {
                    Some(target) => (
                        vec!["link".into(), id, "--related".into(), target],
                        None,
                        "link",
                    ),
                    None => (
                        vec!["comment".into(), id],
                        Some(format!("{token}\n")),
                        "comment",
                    ),
                },
                (7, Some(id)) => (
                    vec![
                        "status".into(),
                        id,
                        if rng.below(2) == 0 { "pending" } else { "open" }.into(),
                        "--reason".into(),
                        token.clone(),
                    ],
                    None,
                    "status",
                ),
                (8, Some(id)) => (
                    vec!["close".into(), id, "--resolution".into(), token.clone()],
                    None,
                    "close",
                ),
                (_, Some(id)) => (
                    vec!["reopen".into(), id, "--reason".into(), token.clone()],
                    None,
                    "status",
                ),
            };
        // A third of the comments are written by tickets.sh (its events merge the same way).
        let tool = if kind == "comment" && rng.below(3) == 0 {
            Tool::Shell
        } else {
            Tool::Cli
        };
        let (ok, _, _) = p.run(env, tool, &args, stdin.as_deref())?;
        if ok {
            acknowledged += 1;
            if kind == "create" {
                creates += 1;
            } else if kind != "link" {
                tokens.push((token, kind));
            }
        } else {
            refused += 1;
        }
        if rng.below(6) == 0 {
            let out = p.sync(env)?;
            syncs += 1;
            merges += usize::from(out.contains("merged "));
        }
    }
    // Everyone syncs twice.
    for _ in 0..2 {
        for p in &people {
            let out = p.sync(env)?;
            syncs += 1;
            merges += usize::from(out.contains("merged "));
        }
    }
    // A sync with nothing to do, against a fetch alone.
    let (mut noop_sync_ms, mut noop_fetch_ms) = (0.0_f64, 0.0_f64);
    for p in &people {
        let t = Instant::now();
        p.sync(env)?;
        noop_sync_ms = noop_sync_ms.max(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        git(&p.dir, &["fetch", "-q", "origin", "main"])?;
        noop_fetch_ms = noop_fetch_ms.max(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mut problems = Vec::new();
    let reference = tree(&people[0].root());
    for p in &people[1..] {
        let t = tree(&p.root());
        if t != reference {
            let differ: Vec<&String> = t
                .keys()
                .chain(reference.keys())
                .filter(|k| t.get(*k) != reference.get(*k))
                .take(5)
                .collect();
            problems.push(format!(
                "{}'s tree differs from {}'s: {differ:?}",
                p.name, people[0].name
            ));
        }
    }
    // Every acknowledged event exactly once, no conflict marker, no ticket in two directories.
    let mut bodies: Vec<(String, String)> = Vec::new();
    let mut create_events = 0;
    let mut events = 0;
    let mut seen_ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, bytes) in &reference {
        let text = String::from_utf8_lossy(bytes);
        if text.contains("<<<<<<<") || text.contains(">>>>>>>") {
            problems.push(format!("conflict marker in {path}"));
        }
        let parts: Vec<&str> = path.split('/').collect();
        if parts.len() >= 3 && parts[2] == "item.md" {
            seen_ids
                .entry(parts[1].to_owned())
                .or_default()
                .push(parts[0].to_owned());
        }
        if path.ends_with("thread.md") {
            for e in thread::parse(&text).events {
                events += 1;
                let Ok(h) = e.header else {
                    problems.push(format!("{path}: a malformed header at line {}", e.line));
                    continue;
                };
                if h.kind == "create" {
                    create_events += 1;
                }
                if h.kind != "merge" {
                    bodies.push((h.kind.clone(), e.body));
                }
            }
        }
    }
    for (id, statuses) in &seen_ids {
        if statuses.len() > 1 {
            problems.push(format!("{id} is in {statuses:?}"));
        }
    }
    for (token, kind) in &tokens {
        let found = bodies
            .iter()
            .filter(|(k, b)| {
                k == kind
                    && match *kind {
                        "edit" => b.contains(&format!("+ title: Title {token}\n")),
                        "status" => b.ends_with(&format!("\n{token}\n")),
                        _ => *b == format!("{token}\n"),
                    }
            })
            .count();
        if found != 1 {
            problems.push(format!("{kind} event {token}: present {found} times"));
        }
    }
    if create_events != creates {
        problems.push(format!(
            "{creates} tickets created, {create_events} create events in the tree"
        ));
    }
    for p in &people {
        problems.extend(
            env.doctors_pass(&p.root())
                .into_iter()
                .map(|l| format!("{}: {l}", p.name)),
        );
    }
    if !problems.is_empty() {
        return Err(format!(
            "clones: {} problem(s) (seed {seed}):\n{}",
            problems.len(),
            problems.join("\n")
        ));
    }
    Ok(Figures {
        participants: people.len(),
        ops,
        acknowledged,
        refused,
        syncs,
        merges,
        tickets: seen_ids.len(),
        events,
        seconds: started.elapsed().as_secs_f64(),
        noop_sync_ms,
        noop_fetch_ms,
    })
}
