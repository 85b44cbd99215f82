//! `cargo xtask bench [--smoke] [N ...]`: what users wait for, for `ticket` and `./tickets.sh`
//! side by side with the I/O floors, on generated roots of N tickets (default 1,000, 10,000 and
//! 100,000) and on the real corpus. Prints one Markdown report and, unless `--smoke` or
//! `--only`, writes it into docs/benchmarks.md between its markers. Figures, never pass/fail.
//! `--only WORD` runs only the commands whose label holds WORD (`--only search`).

mod claims;
mod floor;
mod generate;
mod measure;
mod report;

use std::fs;
use std::path::Path;
use std::time::Duration;

pub use measure::rss_main;
use measure::{Sample, Tool, run_quietly, sample, sample_after};
use report::{Measured, Report, Row};

/// What to run: sizes, repetitions, and whether to write the docs.
pub struct Config {
    pub sizes: Vec<usize>,
    pub smoke: bool,
    /// Only the commands whose label holds this.
    pub only: Option<String>,
}

impl Config {
    pub fn parse(args: &[String]) -> Result<Config, String> {
        let smoke = args.iter().any(|a| a == "--smoke");
        let mut sizes = Vec::new();
        let mut only = None;
        let mut rest = args.iter().filter(|a| *a != "--smoke");
        while let Some(a) = rest.next() {
            if a == "--only" {
                only = Some(rest.next().ok_or("bench: --only needs a word")?.clone());
                continue;
            }
            sizes.push(
                a.replace('_', "")
                    .parse()
                    .map_err(|_| format!("bench: `{a}` is not a ticket count"))?,
            );
        }
        if sizes.is_empty() {
            sizes = if smoke {
                vec![200]
            } else {
                vec![1_000, 10_000, 100_000]
            };
        }
        Ok(Config { sizes, smoke, only })
    }

    fn wants(&self, label: &str) -> bool {
        self.only.as_deref().is_none_or(|w| label.contains(w))
    }

    /// Runs of a first build of the search index at `n` tickets.
    fn build_runs(&self, n: usize) -> usize {
        match (self.smoke, n) {
            (true, _) => 1,
            (false, n) if n >= 100_000 => 1,
            _ => 3,
        }
    }

    /// Runs of a single-ticket command, and of a whole-root command at `n` tickets.
    fn runs(&self, n: usize) -> (usize, usize) {
        match (self.smoke, n) {
            (true, _) => (1, 1),
            (false, n) if n >= 100_000 => (11, 3),
            _ => (11, 5),
        }
    }
}

/// Which floor a command is compared with.
#[derive(Clone, Copy)]
enum FloorKind {
    Process,
    List,
    Doctor,
    ItemStat,
}

/// Runs the bench with the `ticket` binary `ticket_bin`; generated roots are cached under
/// `<target>/bench-roots`.
pub fn run(repo: &Path, target: &Path, ticket_bin: &Path, config: &Config) -> Result<(), String> {
    let ticket = Tool {
        name: "ticket",
        argv: vec![ticket_bin.display().to_string()],
    };
    let shell = Tool {
        name: "tickets.sh",
        argv: vec!["sh".into(), repo.join("tickets.sh").display().to_string()],
    };
    let mut report = Report::new(config.smoke);
    if !config.smoke && config.only.is_none() {
        corpus(repo, &ticket, &shell, &mut report)?;
    }
    let cache = target.join("bench-roots");
    for &n in &config.sizes {
        let dir = generate::cached_root(&cache, n)?;
        report.size(n, size(&dir, n, &ticket, &shell, config)?);
    }
    let text = report.render();
    println!("{text}");
    if !config.smoke && config.only.is_none() {
        report::write_into_docs(&repo.join("docs/benchmarks.md"), &text)?;
        println!("bench: wrote docs/benchmarks.md");
    }
    Ok(())
}

/// The real corpus: both tools, and the replaced tool's one-awk-per-field method.
fn corpus(repo: &Path, ticket: &Tool, shell: &Tool, report: &mut Report) -> Result<(), String> {
    let Some(corpus) = ticket_test_support::corpus() else {
        return Ok(());
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    ticket_test_support::copy_tree(&corpus, &dir.path().join("work-items"));
    let reference = Tool {
        name: "reference.sh",
        argv: vec![
            "sh".into(),
            repo.join("tests/tickets_sh/reference.sh")
                .display()
                .to_string(),
        ],
    };
    let list = |_| vec!["list".into(), "--status".into(), "all".into()];
    let doctor = |_| vec!["doctor".into()];
    report.corpus(
        sample(dir.path(), ticket, 11, &list)?,
        sample(dir.path(), shell, 11, &list)?,
        sample(dir.path(), &reference, 3, &list)?,
        sample(dir.path(), ticket, 11, &doctor)?,
        sample(dir.path(), shell, 11, &doctor)?,
    );
    Ok(())
}

/// Every command at one size. Mutations use tickets set aside for them, which are put back
/// as generated afterwards, so the cached root stays the same from run to run.
fn size(
    dir: &Path,
    n: usize,
    ticket: &Tool,
    shell: &Tool,
    config: &Config,
) -> Result<Measured, String> {
    let root = dir.join("work-items");
    let (few, whole) = config.runs(n);
    // Open tickets near the middle: indices with i % 10 in 6..=8 are open.
    let open: Vec<usize> = (n / 2..n).filter(|i| (6..=8).contains(&(i % 10))).collect();
    if open.len() < 3 + 2 * (few + 1) {
        return Err(format!(
            "bench: {n} tickets leave too few open ones to mutate"
        ));
    }
    let (show_i, comment_i, status_i) = (open[0], open[1], open[2]);
    let close_pool = &open[3..];
    let body = dir.join("body.md");
    fs::write(&body, "A comment body of a line or two.\n\n- with a list\n")
        .map_err(|e| e.to_string())?;
    let body = body.display().to_string();
    let show = generate::describe(show_i);
    let comment_id = generate::describe(comment_i).id;
    let status_id = generate::describe(status_i).id;

    let process = measure::sample(dir, ticket, few, &|_| vec!["--version".into()])?;
    floor::doctor(&root); // warm-up
    let list_floor = median_of(whole, || floor::list(&root));
    let doctor_floor = median_of(whole, || floor::doctor(&root));
    let stat_floor = median_of(whole, || floor::stat(&root));
    let item_stat_floor = median_of(whole, || floor::item_stat(&root));
    let floors = |kind| match kind {
        FloorKind::Process => process.median,
        FloorKind::List => list_floor.took,
        FloorKind::Doctor => doctor_floor.took,
        FloorKind::ItemStat => item_stat_floor.took,
    };

    let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    // Ticket `t` (0: ticket, 1: tickets.sh) closes its own tickets of the close pool.
    let pool = |t: usize| &close_pool[t * (few + 1)..(t + 1) * (few + 1)];
    /// Arguments of run `k` by tool `t`.
    type Args<'a> = Box<dyn Fn(usize, usize) -> Vec<String> + 'a>;
    let cases: Vec<(&str, FloorKind, usize, bool, Args)> = vec![
        (
            "list --status all",
            FloorKind::List,
            whole,
            true,
            Box::new(|_, _| args(&["list", "--status", "all"])),
        ),
        (
            "list --status open",
            FloorKind::List,
            whole,
            true,
            Box::new(|_, _| args(&["list", "--status", "open"])),
        ),
        (
            "--json list --status all",
            FloorKind::List,
            whole,
            false,
            Box::new(|_, _| args(&["--json", "list", "--status", "all"])),
        ),
        (
            "ready",
            FloorKind::List,
            whole,
            false,
            Box::new(|_, _| args(&["ready"])),
        ),
        (
            "ready --explain --json",
            FloorKind::List,
            whole,
            false,
            Box::new(|_, _| args(&["--json", "ready", "--explain"])),
        ),
        (
            "blocked",
            FloorKind::List,
            whole,
            false,
            Box::new(|_, _| args(&["blocked"])),
        ),
        (
            "show <id>",
            FloorKind::Process,
            few,
            true,
            Box::new(|_, _| args(&["show", &show.id])),
        ),
        (
            "--json show <id>",
            FloorKind::ItemStat,
            whole,
            false,
            Box::new(|_, _| args(&["--json", "show", &show.id])),
        ),
        (
            "show <slug>",
            FloorKind::Process,
            few,
            true,
            Box::new(|_, _| args(&["show", &show.slug])),
        ),
        (
            "create",
            FloorKind::Process,
            few,
            true,
            Box::new(|_, _| args(&["create", "--title", "Bench created", "--label", "bench"])),
        ),
        (
            "comment <id> --file",
            FloorKind::Process,
            few,
            true,
            Box::new(|_, _| args(&["comment", &comment_id, "--file", &body])),
        ),
        (
            "status <id> pending/open",
            FloorKind::Process,
            few,
            true,
            Box::new(|_, k| {
                args(&[
                    "status",
                    &status_id,
                    if k % 2 == 0 { "pending" } else { "open" },
                ])
            }),
        ),
        (
            "close <id>",
            FloorKind::Process,
            few,
            true,
            Box::new(|t, k| {
                let id = generate::describe(pool(t)[k]).id;
                args(&["close", &id, "--resolution", "Done."])
            }),
        ),
        (
            "doctor",
            FloorKind::Doctor,
            whole,
            true,
            Box::new(|_, _| args(&["doctor"])),
        ),
    ];
    let mut rows = Vec::new();
    for (label, kind, runs, shell_too, case_args) in &cases {
        if !config.wants(label) {
            continue;
        }
        let mut measured: Vec<Option<Sample>> = Vec::new();
        for (t, tool) in [ticket, shell].into_iter().enumerate() {
            if t == 1 && !shell_too {
                measured.push(None);
                continue;
            }
            if !matches!(kind, FloorKind::Process) {
                // Bring every file back into the page cache (this machine's memory manager
                // reclaims pages left idle), so whole-root figures are warm-cache figures.
                floor::doctor(&root);
            }
            let s = sample(dir, tool, *runs, &|k| case_args(t, k))?;
            measured.push(Some(s));
            for &i in [comment_i, status_i].iter().chain(pool(t)) {
                generate::restore(&root, i)?;
            }
            remove_created(&root)?;
        }
        let shell_sample = measured.pop().flatten();
        let ticket_sample = measured
            .pop()
            .flatten()
            .ok_or("bench: ticket was not measured")?;
        rows.push(Row {
            label,
            floor: floors(*kind),
            floor_name: match kind {
                FloorKind::Process => "ticket --version",
                FloorKind::List => "list floor",
                FloorKind::Doctor => "doctor floor",
                FloorKind::ItemStat => "item.md stat floor",
            },
            ticket: ticket_sample,
            shell: shell_sample,
        });
    }
    search(
        dir,
        ticket,
        config,
        n,
        comment_i,
        &body,
        stat_floor.took,
        &mut rows,
    )?;
    claims::run(dir, n, ticket, config, process.median, &mut rows)?;
    Ok(Measured {
        rows,
        list_floor,
        doctor_floor,
        stat_floor,
    })
}

/// `ticket search` (tickets.sh has none), against the stat floor: the first build of the index,
/// a search with the index built (a query every ticket matches, and one only one matches), and
/// a search right after a comment, which must notice it. The index stays in the cached root's
/// `.index/`; the first case removes it before each run.
#[allow(clippy::too_many_arguments)]
fn search(
    dir: &Path,
    ticket: &Tool,
    config: &Config,
    n: usize,
    comment_i: usize,
    body: &str,
    stat_floor: Duration,
    rows: &mut Vec<Row>,
) -> Result<(), String> {
    let root = dir.join("work-items");
    let (few, _) = config.runs(n);
    let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    let common = args(&["search", "parser", "lock"]);
    // Only ticket `comment_i` has its number in its title.
    let rare = args(&["search", &format!("{comment_i}")]);
    let comment_id = generate::describe(comment_i).id;
    let comment = args(&["comment", &comment_id, "--file", body]);
    let index = root.join(".index/search");
    let remove_index = |_| match fs::remove_dir_all(&index) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("cannot remove {}: {e}", index.display()))
        }
        _ => Ok(()),
    };
    let nothing = |_| Ok(());
    let commented = |_| run_quietly(dir, ticket, &comment);
    type Before<'a> = &'a dyn Fn(usize) -> Result<(), String>;
    let cases: [(&'static str, usize, Before, &Vec<String>); 4] = [
        (
            "search (first build of the index)",
            config.build_runs(n),
            &remove_index,
            &common,
        ),
        ("search parser lock (every ticket)", few, &nothing, &common),
        ("search <number> (one ticket)", few, &nothing, &rare),
        ("comment, then search parser lock", few, &commented, &common),
    ];
    for (label, runs, before, case_args) in cases {
        if !config.wants(label) {
            continue;
        }
        floor::doctor(&root);
        // The index exists and holds every ticket as it is before a timed search.
        run_quietly(dir, ticket, &common)?;
        let s = sample_after(dir, ticket, runs, before, &|_| case_args.clone())?;
        generate::restore(&root, comment_i)?;
        rows.push(Row {
            label,
            floor: stat_floor,
            floor_name: "stat floor",
            ticket: s,
            shell: None,
        });
    }
    Ok(())
}

/// The run of median time among `runs` in-process floor measurements.
fn median_of(runs: usize, f: impl Fn() -> floor::Floor) -> floor::Floor {
    let mut all: Vec<floor::Floor> = (0..runs.max(1)).map(|_| f()).collect();
    all.sort_by_key(|f| f.took);
    all.swap_remove(all.len() / 2)
}

/// Removes the tickets `create` made during a run (their slug is `bench-created`; a second one
/// within the same second gets a suffix after it).
fn remove_created(root: &Path) -> Result<(), String> {
    let open = root.join("open");
    for e in fs::read_dir(&open).map_err(|e| format!("{}: {e}", open.display()))? {
        let e = e.map_err(|e| e.to_string())?;
        if e.file_name().to_string_lossy().contains("-bench-created") {
            fs::remove_dir_all(e.path()).map_err(|err| format!("{}: {err}", e.path().display()))?;
        }
    }
    Ok(())
}
