//! The bench's Markdown report, and its place in docs/benchmarks.md.

use std::fmt::Write;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::floor::Floor;
use super::measure::Sample;

const BEGIN: &str =
    "<!-- bench:begin (written by `cargo xtask bench`; edit outside these markers) -->";
const END: &str = "<!-- bench:end -->";

/// One command at one size.
pub struct Row {
    pub label: &'static str,
    pub floor: Duration,
    pub floor_name: &'static str,
    pub ticket: Sample,
    pub shell: Option<Sample>,
}

/// Everything measured at one size.
pub struct Measured {
    pub rows: Vec<Row>,
    pub list_floor: Floor,
    pub doctor_floor: Floor,
    pub stat_floor: Floor,
}

struct Corpus {
    ticket_list: Sample,
    shell_list: Sample,
    reference_list: Sample,
    ticket_doctor: Sample,
    shell_doctor: Sample,
}

pub struct Report {
    smoke: bool,
    corpus: Option<Corpus>,
    sizes: Vec<(usize, Measured)>,
}

impl Report {
    pub fn new(smoke: bool) -> Report {
        Report {
            smoke,
            corpus: None,
            sizes: Vec::new(),
        }
    }

    pub fn corpus(
        &mut self,
        ticket_list: Sample,
        shell_list: Sample,
        reference_list: Sample,
        ticket_doctor: Sample,
        shell_doctor: Sample,
    ) {
        self.corpus = Some(Corpus {
            ticket_list,
            shell_list,
            reference_list,
            ticket_doctor,
            shell_doctor,
        });
    }

    pub fn size(&mut self, n: usize, measured: Measured) {
        self.sizes.push((n, measured));
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Run of {} on {}. Release build, warm page cache, stdout to /dev/null; each figure \
             is the median of 11 runs (list and doctor: 5, at 100,000 tickets 3){}. Times include \
             process start; floors are in-process loops.\n",
            today(),
            machine(),
            if self.smoke { " (smoke: 1 run)" } else { "" }
        );
        if let Some(c) = &self.corpus {
            out.push_str("### Real corpus (112 tickets)\n\n");
            out.push_str("| command | ticket | tickets.sh | one awk per field (reference.sh) |\n");
            out.push_str("| --- | ---: | ---: | ---: |\n");
            let _ = writeln!(
                out,
                "| `list --status all` | {} | {} | {} ({:.0}x tickets.sh) |",
                ms(c.ticket_list.median),
                ms(c.shell_list.median),
                ms(c.reference_list.median),
                ratio(c.reference_list.median, c.shell_list.median)
            );
            let _ = writeln!(
                out,
                "| `doctor` | {} | {} | |\n",
                ms(c.ticket_doctor.median),
                ms(c.shell_doctor.median)
            );
        }
        for (n, m) in &self.sizes {
            let _ = writeln!(
                out,
                "### {} tickets\n\nList floor: {} `item.md` files, {}. Doctor floor: {} files, {}. \
                 Stat floor: {} files, one `stat` each ({}).\n",
                count(*n),
                count(m.list_floor.files),
                mb(m.list_floor.bytes),
                count(m.doctor_floor.files),
                mb(m.doctor_floor.bytes),
                count(m.stat_floor.files),
                ms(m.stat_floor.took)
            );
            out.push_str("| command | floor | ticket | ticket / floor | tickets.sh | tickets.sh / ticket | peak RSS ticket | peak RSS tickets.sh |\n");
            out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for r in &m.rows {
                let _ = writeln!(
                    out,
                    "| `{}` | {} ({}) | {} | {:.2}x | {} | {} | {} | {} |",
                    r.label,
                    ms(r.floor),
                    r.floor_name,
                    ms(r.ticket.median),
                    ratio(r.ticket.median, r.floor),
                    r.shell.as_ref().map_or("n/a".into(), |s| ms(s.median)),
                    r.shell.as_ref().map_or("".into(), |s| format!(
                        "{:.1}x",
                        ratio(s.median, r.ticket.median)
                    )),
                    rss(r.ticket.rss_kib),
                    r.shell.as_ref().map_or("".into(), |s| rss(s.rss_kib)),
                );
            }
            out.push('\n');
        }
        if self.sizes.len() > 1 {
            self.render_flatness(&mut out);
        }
        out
    }

    /// Single-ticket commands of `ticket` across sizes: the cost a large root adds.
    fn render_flatness(&self, out: &mut String) {
        let (first, last) = (&self.sizes[0], &self.sizes[self.sizes.len() - 1]);
        out.push_str("### `ticket` single-ticket commands across sizes\n\n| command |");
        for (n, _) in &self.sizes {
            let _ = write!(out, " {} |", count(*n));
        }
        let _ = writeln!(out, " {} minus {} |", count(last.0), count(first.0));
        out.push_str("| --- |");
        out.push_str(&" ---: |".repeat(self.sizes.len() + 1));
        out.push('\n');
        for (k, row) in first.1.rows.iter().enumerate() {
            if row.floor_name != "ticket --version" {
                continue;
            }
            let _ = write!(out, "| `{}` |", row.label);
            for (_, m) in &self.sizes {
                let _ = write!(out, " {} |", ms(m.rows[k].ticket.median));
            }
            let delta =
                last.1.rows[k].ticket.median.as_secs_f64() - row.ticket.median.as_secs_f64();
            let _ = writeln!(out, " {:+.1} ms |", delta * 1000.0);
        }
        out.push('\n');
    }
}

/// Replaces what lies between the markers in docs/benchmarks.md with `text`.
pub fn write_into_docs(path: &Path, text: &str) -> Result<(), String> {
    let doc = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (Some(b), Some(e)) = (doc.find(BEGIN), doc.find(END)) else {
        return Err(format!(
            "{} lacks the markers `{BEGIN}` and `{END}`; add them where the figures go",
            path.display()
        ));
    };
    let new = format!("{}{BEGIN}\n\n{text}{}", &doc[..b], &doc[e..]);
    fs::write(path, new).map_err(|e| format!("{}: {e}", path.display()))
}

fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.1} ms")
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

fn rss(kib: Option<u64>) -> String {
    kib.map_or("?".into(), |k| format!("{:.1} MB", k as f64 * 1024.0 / 1e6))
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn today() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or("an unknown date".into(), |s| s.trim().to_string())
}

/// CPU model, cores, memory and kernel, from /proc.
fn machine() -> String {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("an unknown CPU".to_string(), |(_, m)| m.trim().to_string());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .map_or("?".into(), |kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0));
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{model}, {cores} cores, {mem_gib}, Linux {}", kernel.trim())
}
