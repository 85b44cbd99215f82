//! How long the doctor takes against merely reading every ticket file.
//!
//! `cargo run --release -p ticket-doctor --example doctor_bench [N]` writes N tickets (default
//! 10000; item.md of about 800 bytes, a thread of 4 events, a resolution for closed ones) into a
//! temporary root, then times (1) walking the tree and `fs::read`ing every file and (2)
//! `ticket_doctor::run`, each several times, and prints the medians and their ratio.
//! The doctor's budget is 3x the read-all time.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

const ROUNDS: usize = 7;

fn item(id: &str, slug: &str, status: &str, n: usize) -> String {
    format!(
        "---\nid: {id}\nslug: {slug}\ntitle: Benchmark ticket {n}: keep the doctor fast\n\
         status: {status}\nkind: task\npriority: P2\nlabels: [bench, doctor]\n\
         created_at: 2026-05-27T00:00:01Z\nupdated_at: 2026-05-28T00:00:04Z\nassignee: null\n\
         legacy_ticket: null\n---\n\n## Background\n\n\
         The doctor reads every ticket of a root and reports what is wrong with it. This body is\n\
         ordinary Markdown of the size real tickets have, with a list and a second section.\n\n\
         - one point that matters\n- another point that matters\n- a third, for good measure\n\n\
         ## Acceptance criteria\n\n- The doctor stays within three times the read-all time.\n\
         - Nothing is parsed twice, and each file is read once.\n- TBD\n"
    )
}

fn thread(closed: bool) -> String {
    let event = |kind: &str, at: &str, status: &str, heading: &str, body: &str| {
        format!(
            "<!-- event: {kind} author: yoi ticket at: {at}{status} -->\n\n## {heading}\n\n{body}\n\n---\n"
        )
    };
    let last = if closed {
        event(
            "close",
            "2026-05-28T00:00:04Z",
            " status: closed",
            "Closed",
            "Done.\n",
        )
    } else {
        event(
            "comment",
            "2026-05-28T00:00:04Z",
            "",
            "Comment",
            "Still going.",
        )
    };
    [
        event(
            "create",
            "2026-05-27T00:00:01Z",
            "",
            "Created",
            "Created by tickets.sh create.",
        ),
        event(
            "plan",
            "2026-05-27T01:00:00Z",
            "",
            "Plan",
            "1. Measure.\n2. Fix.\n3. Measure again.",
        ),
        event(
            "review",
            "2026-05-27T02:00:00Z",
            " status: approve",
            "Review: approve",
            "Looks right.",
        ),
        last,
    ]
    .join("\n")
}

fn generate(root: &Path, n: usize) -> std::io::Result<()> {
    for status in ["open", "pending", "closed"] {
        fs::create_dir_all(root.join(status))?;
    }
    for i in 0..n {
        let status = match i % 10 {
            0..=2 => "open",
            3 => "pending",
            _ => "closed",
        };
        let slug = format!("bench-ticket-{i}");
        let id = format!("20260527-{:06}-{slug}", i % 1_000_000);
        let dir = root.join(status).join(&id);
        fs::create_dir_all(dir.join("artifacts"))?;
        fs::write(dir.join("artifacts/.gitkeep"), "")?;
        fs::write(dir.join("item.md"), item(&id, &slug, status, i))?;
        fs::write(dir.join("thread.md"), thread(status == "closed"))?;
        if status == "closed" {
            fs::write(dir.join("resolution.md"), "Done.\n")?;
        }
    }
    Ok(())
}

/// Walks the tree and reads every file: the floor any checker of every file has to pay.
fn read_all(dir: &Path) -> std::io::Result<usize> {
    let mut bytes = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            bytes += read_all(&entry.path())?;
        } else {
            bytes += fs::read(entry.path())?.len();
        }
    }
    Ok(bytes)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 10_000,
    };
    let tmp = tempfile::tempdir()?;
    let root = tmp.path().join("work-items");
    let started = Instant::now();
    generate(&root, n)?;
    println!("generated {n} tickets in {:.2?}", started.elapsed());

    // Warm the page cache and the allocator for both.
    let total = read_all(&root)?;
    let report = ticket_doctor::run(&root, &ticket_doctor::Options::default())?;
    assert!(
        report.ok(),
        "the generated tickets are clean: {:?}",
        report.diagnostics
    );
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);

    let (mut read, mut doctor) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let t = Instant::now();
        std::hint::black_box(read_all(&root)?);
        read.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(ticket_doctor::run(
            &root,
            &ticket_doctor::Options::default(),
        )?);
        doctor.push(t.elapsed());
    }
    let (read, doctor) = (median(read), median(doctor));
    let ratio = doctor.as_secs_f64() / read.as_secs_f64();
    println!("read every file ({total} bytes): median {read:.2?} over {ROUNDS} rounds");
    println!("ticket_doctor::run:            median {doctor:.2?} over {ROUNDS} rounds");
    println!(
        "ratio doctor/read: {ratio:.2} (budget 3.00){}",
        if ratio <= 3.0 { "" } else { "  OVER BUDGET" }
    );
    Ok(())
}
