//! Claims (docs/claims.md) under racing processes and `kill -9`, in a git clone with two
//! worktrees whose `work-items/` share one lease store (the common directory):
//!
//! - **one ticket**: `racers` `ticket claim` processes at once, spread over both worktrees, for
//!   `rounds` rounds (a new ticket each round): exactly one wins (exit 0), every other is refused
//!   with exit 5 and JSON code `claimed` naming the winner; the lease names the winner with
//!   token 1, and both worktrees' threads hold exactly one `claim` event of it;
//! - **the ready queue**: 16 `ticket ready --claim` at once with 5 ready tickets: 5 distinct
//!   winners, 11 refused with exit 6 (`nothing_ready`); the winners release and it starts again;
//! - **a holder killed mid-lease** (`kill -9` of the process holding it): refused to others until
//!   its lease expires, then claimed by another with the next token; the dead holder's token is
//!   refused (exit 5, `lease_lost`) before anything is written; the store's lock is free;
//! - **`kill -9` during `claim`**: after each kill the record reads whole and is the one before or
//!   the killed claim's (token + 1), never a lost or doubled lease; a claim event exists only
//!   with its lease; a lease whose event the kill cut is completed by the holder's next claim;
//!   the store's lock is taken at once.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ticket_domain::claim::LeaseRecord;
use ticket_store_local::LeaseStore;
use ticket_store_local::lease::GitPlace;

use super::{Env, Tool, seed_tickets};
use crate::rng::Rng;

/// How big a run is.
#[derive(Clone, Copy, Debug)]
pub struct ClaimSize {
    pub racers: usize,
    pub rounds: usize,
    pub ready_rounds: usize,
    pub kills: usize,
}

/// What a run measured.
#[derive(Debug, Default)]
pub struct Figures {
    pub racers: usize,
    pub rounds: usize,
    pub claims_started: usize,
    pub double_winners: usize,
    pub ready_rounds: usize,
    pub ready_racers: usize,
    pub ready_winners: usize,
    pub kills: usize,
    pub kills_in_flight: usize,
    pub leases_taken_by_killed: usize,
    pub events_completed: usize,
    pub max_lock_ms: f64,
    pub mean_claim_ms: f64,
    pub seconds: f64,
}

impl Figures {
    pub fn summary(&self) -> String {
        format!(
            "claims: {} rounds x {} racers over 2 worktrees ({} claims), exactly one winner every round (double winners {}); ready --claim: {} rounds x {} racers on 5 ready tickets, {} winners, all distinct per round; killed holder: refused until expiry, then taken with the next token, its old token refused with nothing written; {} kill -9 during claim ({} hit a running process; {} had written their lease, {} of those before their event, completed by the holder's next claim), leases lost 0, doubled 0, torn 0; lock after a kill at most {:.1} ms; claim ~{:.1} ms; {:.1} s",
            self.rounds,
            self.racers,
            self.claims_started,
            self.double_winners,
            self.ready_rounds,
            self.ready_racers,
            self.ready_winners,
            self.kills,
            self.kills_in_flight,
            self.leases_taken_by_killed,
            self.events_completed,
            self.max_lock_ms,
            self.mean_claim_ms,
            self.seconds
        )
    }
}

/// A clone with `n` tickets committed and a second worktree: the two roots and the lease store.
struct Clone {
    roots: [PathBuf; 2],
    ids: Vec<String>,
    store: LeaseStore,
}

fn git(dir: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=stress",
            "-c",
            "user.email=stress@localhost",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "git {args:?} in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn clone_with_worktrees(scratch: &Path, name: &str, n: usize) -> Result<Clone, String> {
    let main = scratch.join(name).join("main");
    let root = main.join("work-items");
    fs::create_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    git(&main, &["init", "-q", "-b", "main"])?;
    let ids = seed_tickets(&root, n)?;
    git(&main, &["add", "-A"])?;
    git(&main, &["commit", "-qm", "tickets"])?;
    let wt = scratch.join(name).join("wt");
    let wt_str = wt.to_str().ok_or("scratch path is not UTF-8")?;
    git(&main, &["worktree", "add", "-q", wt_str, "-b", "wt"])?;
    // git keeps no empty directory: the other checkout gets its status directories back.
    for status in ticket_store_local::STATUS_DIRS {
        let dir = wt.join("work-items").join(status);
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let place = GitPlace {
        worktree: main.clone(),
        common_dir: main.join(".git"),
    };
    let store = LeaseStore::for_root(&root, Some(&place), Duration::from_secs(2))
        .map_err(|e| e.to_string())?;
    Ok(Clone {
        roots: [root, wt.join("work-items")],
        ids,
        store,
    })
}

pub fn run(env: &Env, size: ClaimSize, seed: u64) -> Result<Figures, String> {
    let started = Instant::now();
    let scratch = tempfile::tempdir().map_err(|e| format!("scratch: {e}"))?;
    let mut f = Figures {
        racers: size.racers,
        rounds: size.rounds,
        ready_rounds: size.ready_rounds,
        ready_racers: 16,
        ..Figures::default()
    };
    one_winner(env, scratch.path(), size, &mut f)?;
    ready_race(env, scratch.path(), size, &mut f)?;
    killed_holder(env, scratch.path())?;
    kills_during_claim(env, scratch.path(), size, seed, &mut f)?;
    f.seconds = started.elapsed().as_secs_f64();
    Ok(f)
}

/// Starts `ticket <args>` on `root` (JSON output).
fn spawn(env: &Env, root: &Path, args: &[&str]) -> Result<Child, String> {
    env.command(Tool::Cli, root)
        .arg("--json")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start ticket: {e}"))
}

/// (exit code, stdout, stderr) of a finished child.
fn finish(child: Child) -> Result<(i32, String, String), String> {
    let out = child.wait_with_output().map_err(|e| format!("wait: {e}"))?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// How many `claim` events of `token` the thread of `id` holds in `root`.
fn claim_events(root: &Path, id: &str, token: u64) -> usize {
    let thread =
        fs::read_to_string(root.join("open").join(id).join("thread.md")).unwrap_or_default();
    thread
        .split("<!-- event: claim author: ")
        .skip(1)
        .filter(|e| e.contains(&format!("\ntoken: {token}\n")))
        .count()
}

fn one_winner(env: &Env, scratch: &Path, size: ClaimSize, f: &mut Figures) -> Result<(), String> {
    println!(
        "== stress: claims, {} rounds x {} racers over 2 worktrees",
        size.rounds, size.racers
    );
    let clone = clone_with_worktrees(scratch, "race", size.rounds)?;
    for (round, id) in clone.ids.iter().enumerate() {
        let children = (0..size.racers)
            .map(|i| {
                let holder = format!("racer-{i}");
                spawn(
                    env,
                    &clone.roots[i % 2],
                    &["claim", id, "--as", &holder, "--ttl", "1h"],
                )
                .map(|c| (holder, c))
            })
            .collect::<Result<Vec<_>, _>>()?;
        f.claims_started += children.len();
        let mut winners = Vec::new();
        let mut refusals = Vec::new();
        for (holder, child) in children {
            let (code, out, err) = finish(child)?;
            match code {
                0 => winners.push(holder),
                5 if err.contains(r#""code":"claimed""#) => refusals.push(err),
                _ => {
                    return Err(format!(
                        "claims round {round}: {holder} exited {code}: {out}{err}"
                    ));
                }
            }
        }
        if winners.len() != 1 {
            f.double_winners += 1;
            return Err(format!(
                "claims round {round} ({id}): {} winners: {winners:?}",
                winners.len()
            ));
        }
        let winner = &winners[0];
        if let Some(r) = refusals
            .iter()
            .find(|r| !r.contains(&format!("claimed by {winner} ")))
        {
            return Err(format!(
                "claims round {round}: a refusal names another holder than {winner}: {r}"
            ));
        }
        let record = clone.store.read(id).map_err(|e| e.to_string())?;
        let holder = record.lease.as_ref().map(|l| (l.holder.as_str(), l.token));
        if holder != Some((winner.as_str(), 1)) {
            return Err(format!(
                "claims round {round}: the lease is {record:?}, the winner {winner}"
            ));
        }
        let events: usize = clone.roots.iter().map(|r| claim_events(r, id, 1)).sum();
        if events != 1 {
            return Err(format!(
                "claims round {round}: {events} claim events of {id} in the two worktrees"
            ));
        }
    }
    for root in &clone.roots {
        if let Some(p) = env.doctors_pass(root).first() {
            return Err(format!("claims: after the races, {p}"));
        }
    }
    Ok(())
}

fn ready_race(env: &Env, scratch: &Path, size: ClaimSize, f: &mut Figures) -> Result<(), String> {
    println!(
        "== stress: claims, ready --claim, {} rounds x 16 racers on 5 ready tickets",
        size.ready_rounds
    );
    let clone = clone_with_worktrees(scratch, "ready", 5)?;
    for round in 0..size.ready_rounds {
        let children = (0..16)
            .map(|i| {
                let holder = format!("ready-{i}");
                spawn(
                    env,
                    &clone.roots[i % 2],
                    &["ready", "--claim", "--as", &holder],
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut won: Vec<(String, u64)> = Vec::new();
        for child in children {
            let (code, out, err) = finish(child)?;
            match code {
                0 => {
                    let id = json_str(&out, "id").ok_or_else(|| format!("no id in {out}"))?;
                    let token =
                        json_num(&out, "token").ok_or_else(|| format!("no token in {out}"))?;
                    won.push((id, token));
                }
                6 if err.contains(r#""code":"nothing_ready""#) => {}
                _ => return Err(format!("ready round {round}: exit {code}: {out}{err}")),
            }
        }
        let mut ids: Vec<&str> = won.iter().map(|(id, _)| id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        if won.len() != 5 || ids.len() != 5 {
            return Err(format!(
                "ready round {round}: winners {won:?}; want 5 distinct"
            ));
        }
        f.ready_winners += won.len();
        for (id, token) in won {
            let r = env.run(
                Tool::Cli,
                &clone.roots[0],
                &[
                    "release".into(),
                    id.clone(),
                    "--token".into(),
                    token.to_string(),
                ],
                &[],
            )?;
            if !r.ok {
                return Err(format!("ready round {round}: release {id}: {}", r.stderr));
            }
        }
    }
    Ok(())
}

fn json_str(text: &str, key: &str) -> Option<String> {
    let at = text.find(&format!("\"{key}\": \""))? + key.len() + 5;
    let rest = &text[at..];
    Some(rest[..rest.find('"')?].to_owned())
}

fn json_num(text: &str, key: &str) -> Option<u64> {
    let at = text.find(&format!("\"{key}\": "))? + key.len() + 4;
    let rest = &text[at..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The store's lock is free: taken within 2 s. Returns how long it took, in ms.
fn lock_free(store: &LeaseStore) -> Result<f64, String> {
    let t = Instant::now();
    store
        .with_lock(|_| Ok::<_, ticket_domain::BackendError>(()))
        .map_err(|e| format!("the lease store's lock is held after a kill: {e}"))?;
    Ok(t.elapsed().as_secs_f64() * 1000.0)
}

fn killed_holder(env: &Env, scratch: &Path) -> Result<(), String> {
    println!("== stress: claims, a holder killed mid-lease");
    let clone = clone_with_worktrees(scratch, "killed", 1)?;
    let id = &clone.ids[0];
    let root = &clone.roots[0];
    let bin = env.ticket_bin.to_str().ok_or("binary path is not UTF-8")?;
    // The holder: claims, then works (sleeps) until it is killed.
    let mut holder = Command::new("sh")
        .args([
            "-c",
            &format!("'{bin}' claim {id} --as doomed --ttl 3s && exec sleep 60"),
        ])
        .env("WORK_ITEMS_DIR", root)
        .env_remove("TICKETS_NOW")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the holder: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let lease = loop {
        let r = clone.store.read(id).map_err(|e| e.to_string())?;
        if let Some(l) = r.lease {
            break l;
        }
        if Instant::now() > deadline {
            return Err("killed holder: its claim never landed".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    holder.kill().map_err(|e| format!("kill: {e}"))?;
    let _ = holder.wait();
    lock_free(&clone.store)?;
    let thread = |r: &Path| fs::read(r.join("open").join(id).join("thread.md")).unwrap_or_default();
    let early = env.run(
        Tool::Cli,
        &clone.roots[1],
        &[
            "--json".into(),
            "claim".into(),
            id.clone(),
            "--as".into(),
            "successor".into(),
        ],
        &[],
    )?;
    if early.ok || !early.stderr.contains("claimed by doomed") {
        return Err(format!(
            "killed holder: a claim before expiry was not refused: {}{}",
            early.stdout, early.stderr
        ));
    }
    // Wait out the lease (second precision: one more second).
    while std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
        <= lease.expires.unix()
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    let taken = env.run(
        Tool::Cli,
        &clone.roots[1],
        &[
            "claim".into(),
            id.clone(),
            "--as".into(),
            "successor".into(),
        ],
        &[],
    )?;
    if !taken.ok || !taken.stdout.contains("token 2") {
        return Err(format!(
            "killed holder: after expiry, the claim got {}{}",
            taken.stdout, taken.stderr
        ));
    }
    for root in &clone.roots {
        let before = thread(root);
        let old = env.run(
            Tool::Cli,
            root,
            &[
                "--json".into(),
                "comment".into(),
                id.clone(),
                "--token".into(),
                "1".into(),
            ],
            &[],
        )?;
        if old.ok || !old.stderr.contains(r#""code":"lease_lost""#) {
            return Err(format!(
                "killed holder: its old token was not refused: {}{}",
                old.stdout, old.stderr
            ));
        }
        if thread(root) != before {
            return Err("killed holder: a refused write changed the thread".into());
        }
    }
    let renew = env.run(
        Tool::Cli,
        root,
        &["renew".into(), id.clone(), "--token".into(), "1".into()],
        &[],
    )?;
    if renew.ok {
        return Err("killed holder: its old token renewed the lease".into());
    }
    Ok(())
}

fn kills_during_claim(
    env: &Env,
    scratch: &Path,
    size: ClaimSize,
    seed: u64,
    f: &mut Figures,
) -> Result<(), String> {
    println!("== stress: claims, {} kill -9 during claim", size.kills);
    let clone = clone_with_worktrees(scratch, "kills", 1)?;
    let id = clone.ids[0].clone();
    let mut rng = Rng::new(seed ^ 0xC1A1_4500);
    // A typical claim and release, to aim the kills.
    let mut typical = Duration::ZERO;
    for i in 0..4 {
        let t = Instant::now();
        let holder = format!("warm-{i}");
        let r = env.run(
            Tool::Cli,
            &clone.roots[0],
            &["claim".into(), id.clone(), "--as".into(), holder],
            &[],
        )?;
        typical += t.elapsed();
        let token = clone.store.read(&id).map_err(|e| e.to_string())?.token;
        let rel = env.run(
            Tool::Cli,
            &clone.roots[0],
            &[
                "release".into(),
                id.clone(),
                "--token".into(),
                token.to_string(),
            ],
            &[],
        )?;
        if !r.ok || !rel.ok {
            return Err(format!("kills: warm-up failed: {}{}", r.stderr, rel.stderr));
        }
    }
    typical /= 4;
    f.mean_claim_ms = typical.as_secs_f64() * 1000.0;
    for k in 0..size.kills {
        let root = &clone.roots[k % 2];
        let before = clone.store.read(&id).map_err(|e| e.to_string())?;
        let holder = format!("killed-{k}");
        let child = env
            .command(Tool::Cli, root)
            .args(["claim", &id, "--as", &holder, "--ttl", "1h"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start ticket: {e}"))?;
        let delay = Duration::from_micros(rng.below(2 * typical.as_micros() as u64 + 1));
        let in_flight = kill_after(child, delay)?;
        f.kills += 1;
        f.kills_in_flight += usize::from(in_flight);
        f.max_lock_ms = f.max_lock_ms.max(lock_free(&clone.store)?);
        let after: LeaseRecord = clone
            .store
            .read(&id)
            .map_err(|e| format!("kills: after kill {k}, the record does not read: {e}"))?;
        let events: usize = clone
            .roots
            .iter()
            .map(|r| claim_events(r, &id, before.token + 1))
            .sum();
        if after == before {
            if events != 0 {
                return Err(format!(
                    "kills: after kill {k}, a claim event without its lease"
                ));
            }
            continue;
        }
        let lease = after.lease.clone().ok_or(format!(
            "kills: after kill {k}, the record lost its token: {after:?}"
        ))?;
        if after.token != before.token + 1 || lease.holder != holder || lease.token != after.token {
            return Err(format!(
                "kills: after kill {k}, before {before:?}, after {after:?}"
            ));
        }
        f.leases_taken_by_killed += 1;
        if events > 1 {
            return Err(format!(
                "kills: after kill {k}, {events} claim events of one token"
            ));
        }
        if events == 0 {
            // Cut between the lease and its event: the holder's next claim completes it.
            let again = env.run(
                Tool::Cli,
                root,
                &["claim".into(), id.clone(), "--as".into(), holder.clone()],
                &[],
            )?;
            let now: usize = clone
                .roots
                .iter()
                .map(|r| claim_events(r, &id, after.token))
                .sum();
            if !again.ok || now != 1 {
                return Err(format!(
                    "kills: after kill {k}, the holder's claim did not complete the event ({now} events): {}{}",
                    again.stdout, again.stderr
                ));
            }
            f.events_completed += 1;
        }
        let rel = env.run(
            Tool::Cli,
            root,
            &[
                "release".into(),
                id.clone(),
                "--token".into(),
                after.token.to_string(),
            ],
            &[],
        )?;
        if !rel.ok {
            return Err(format!(
                "kills: after kill {k}, release failed: {}",
                rel.stderr
            ));
        }
    }
    for root in &clone.roots {
        if let Some(p) = env.doctors_pass(root).first() {
            return Err(format!("kills: {p}"));
        }
    }
    Ok(())
}

/// Waits `delay`, then `kill -9`s the child unless it exited; `true` when it was still running.
fn kill_after(mut child: Child, delay: Duration) -> Result<bool, String> {
    std::thread::sleep(delay);
    let running = child
        .try_wait()
        .map_err(|e| format!("wait: {e}"))?
        .is_none();
    if running {
        child.kill().map_err(|e| format!("kill: {e}"))?;
    }
    child.wait().map_err(|e| format!("wait: {e}"))?;
    Ok(running)
}
