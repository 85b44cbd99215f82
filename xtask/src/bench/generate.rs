//! Roots of N generated tickets shaped like the real corpus, cached between runs.
//!
//! Sizes are drawn from deciles measured on the real 112-ticket corpus (item.md frontmatter
//! about 320 bytes, bodies 70 B to 10 KB, events 74 B to 25 KB); the text is ours. Each thread
//! holds 2 to 8 events (about 5); 60% of tickets are closed, 30% open, 10% pending. One ticket in
//! five depends on one or two earlier tickets (of any status) and one in fifty has a parent, so
//! the ready queue has real work (the edges point backwards: no cycles). Ticket `i` is a pure
//! function of `i`, so [`restore`] can put back any ticket a timed mutation touched.

use std::fs;
use std::path::{Path, PathBuf};

use crate::rng::Rng;

/// Bumped whenever the generated shape changes, so stale caches are not reused.
const VERSION: u32 = 3;

/// Deciles (0%, 10%, ..., 100%) of the real corpus, in bytes.
const BODY_DECILES: [usize; 11] = [
    70, 1442, 1996, 2262, 2731, 3136, 3444, 4019, 4435, 5951, 10161,
];
const EVENT_DECILES: [usize; 11] = [74, 105, 105, 314, 694, 993, 1343, 1958, 2864, 4586, 25162];
const RESOLUTION_DECILES: [usize; 11] = [
    161, 348, 454, 799, 1217, 1556, 2152, 3038, 3860, 6695, 11755,
];

const KINDS: [&str; 4] = ["task", "task", "bug", "design"];
const ROLES: [&str; 5] = [
    "comment",
    "plan",
    "decision",
    "implementation_report",
    "review",
];
const WORDS: [&str; 16] = [
    "the",
    "parser",
    "keeps",
    "every",
    "byte",
    "ticket",
    "thread",
    "review",
    "agent",
    "lock",
    "writes",
    "status",
    "ワーク",
    "設計",
    "later",
    "fixed",
];

/// One generated ticket: where it lives and how to name it.
#[derive(Clone, Debug)]
pub struct Generated {
    pub status: &'static str,
    pub id: String,
    pub slug: String,
}

/// The generator of ticket `i`: the same `i` always yields the same ticket.
fn rng_of(i: usize) -> Rng {
    Rng::new((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
}

/// A number in `0..n`.
fn below(rng: &mut Rng, n: usize) -> usize {
    rng.below(n as u64) as usize
}

/// A size between two neighbouring deciles, picked uniformly.
fn size(rng: &mut Rng, deciles: &[usize; 11]) -> usize {
    let d = below(rng, 10);
    let (lo, hi) = (deciles[d], deciles[d + 1]);
    lo + below(rng, hi - lo + 1)
}

/// Ticket `i` of any generated root.
pub fn describe(i: usize) -> Generated {
    let status = match i % 10 {
        0..=5 => "closed",
        6..=8 => "open",
        _ => "pending",
    };
    let slug = format!("{}-{}-{i}", WORDS[i % 12], WORDS[(i / 12) % 12]);
    let id = format!(
        "2026{:02}{:02}-{:02}{:02}{:02}-{slug}",
        1 + i % 12,
        1 + i % 28,
        i % 24,
        (i / 24) % 60,
        (i / 1440) % 60
    );
    Generated { status, id, slug }
}

/// The cached root of `n` tickets under `cache`, generated on first use. Returns the directory
/// holding `work-items/`.
pub fn cached_root(cache: &Path, n: usize) -> Result<PathBuf, String> {
    let dir = cache.join(format!("v{VERSION}-{n}"));
    let done = dir.join(".complete");
    if done.is_file() {
        return Ok(dir);
    }
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    eprintln!(
        "bench: generating {n} tickets in {} (cached)",
        dir.display()
    );
    for i in 0..n {
        write_ticket(&dir.join("work-items"), i)?;
    }
    fs::write(&done, format!("{n}\n")).map_err(|e| format!("{}: {e}", done.display()))?;
    Ok(dir)
}

/// Puts ticket `i` back as generated: removes it from every status directory, then writes it.
pub fn restore(root: &Path, i: usize) -> Result<(), String> {
    let g = describe(i);
    for status in ["open", "pending", "closed"] {
        let d = root.join(status).join(&g.id);
        if d.exists() {
            fs::remove_dir_all(&d).map_err(|e| format!("cannot remove {}: {e}", d.display()))?;
        }
    }
    write_ticket(root, i)
}

fn write_ticket(root: &Path, i: usize) -> Result<(), String> {
    let g = describe(i);
    let mut rng = rng_of(i);
    let d = root.join(g.status).join(&g.id);
    let io = |p: &Path, e: std::io::Error| format!("cannot write {}: {e}", p.display());
    fs::create_dir_all(d.join("artifacts")).map_err(|e| io(&d, e))?;
    fs::write(d.join("artifacts/.gitkeep"), "").map_err(|e| io(&d, e))?;
    let created = format!(
        "2025-{:02}-{:02}T{:02}:{:02}:00Z",
        1 + i % 12,
        1 + i % 28,
        i % 24,
        (i / 24) % 60
    );
    // A year later than created, so every event and update comes after the creation.
    let updated = format!("2026-{:02}-{:02}T10:00:00Z", 1 + i % 12, 1 + i % 28);
    let title = if i.is_multiple_of(3) {
        format!("{} の {} を直す ({i})", WORDS[12], WORDS[13])
    } else {
        format!(
            "Make the {} {} {} (#{i})",
            WORDS[i % 12],
            WORDS[(i / 12) % 12],
            WORDS[i % 7]
        )
    };
    let mut item = format!(
        "---\nid: {}\nslug: {}\ntitle: {title}\nstatus: {}\nkind: {}\npriority: P{}\nlabels: [{}, bench]\ncreated_at: {created}\nupdated_at: {updated}\nassignee: null\nlegacy_ticket: null\n---\n\n",
        g.id,
        g.slug,
        g.status,
        KINDS[i % 4],
        i % 4,
        WORDS[i % 12],
    );
    item.insert_str(item.len() - "---\n\n".len(), &relations_of(i));
    let body_size = size(&mut rng, &BODY_DECILES);
    item.push_str(&markdown(&mut rng, body_size));
    fs::write(d.join("item.md"), item).map_err(|e| io(&d, e))?;
    let events = 2 + below(&mut rng, 7);
    let mut thread = format!(
        "<!-- event: create author: tickets.sh at: {created} -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n"
    );
    for e in 1..events {
        let role = if e + 1 == events && g.status == "closed" {
            "close"
        } else {
            ROLES[below(&mut rng, ROLES.len())]
        };
        let extra = match role {
            "review" => " status: approve",
            "close" => " status: closed",
            _ => "",
        };
        let size = size(&mut rng, &EVENT_DECILES);
        thread.push_str(&format!(
            "\n<!-- event: {role} author: agent {} at: {updated}{extra} -->\n\n## {role}\n\n{}\n---\n",
            e % 3,
            markdown(&mut rng, size)
        ));
    }
    fs::write(d.join("thread.md"), thread).map_err(|e| io(&d, e))?;
    if g.status == "closed" {
        let size = size(&mut rng, &RESOLUTION_DECILES);
        let text = markdown(&mut rng, size);
        fs::write(d.join("resolution.md"), text).map_err(|e| io(&d, e))?;
    }
    Ok(())
}

/// The relation lines of ticket `i` (none for most): a pure function of `i`, drawn without the
/// ticket's random stream, so bodies stay what they were before relations were generated.
fn relations_of(i: usize) -> String {
    let mut out = String::new();
    if i % 5 == 2 && i >= 60 {
        let mut deps = vec![describe(i - 1 - (i * 7) % 53).id];
        if i.is_multiple_of(3) {
            deps.push(describe(i - 2 - (i * 11) % 37).id);
        }
        out.push_str(&format!("depends_on: [{}]\n", deps.join(", ")));
    }
    if i % 50 == 13 {
        out.push_str(&format!("parent: [{}]\n", describe(i - 13).id));
    }
    out
}

/// Markdown of about `size` bytes: headings, paragraphs and lists of our own words.
fn markdown(rng: &mut Rng, size: usize) -> String {
    let mut out = String::with_capacity(size + 80);
    while out.len() < size {
        match below(rng, 6) {
            0 => out.push_str("## Notes\n\n"),
            1 => {
                for _ in 0..3 {
                    out.push_str("- ");
                    out.push_str(&sentence(rng));
                    out.push('\n');
                }
                out.push('\n');
            }
            _ => {
                for _ in 0..4 {
                    out.push_str(&sentence(rng));
                    out.push(' ');
                }
                out.push_str("\n\n");
            }
        }
    }
    out
}

fn sentence(rng: &mut Rng) -> String {
    let n = 6 + below(rng, 10);
    let words: Vec<&str> = (0..n).map(|_| WORDS[below(rng, WORDS.len())]).collect();
    format!("{}.", words.join(" "))
}
