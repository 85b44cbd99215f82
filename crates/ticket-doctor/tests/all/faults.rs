//! Data-driven fault injection: one table of faults, each injected into a fresh copy of the
//! hand-written fixture and, when present, of the real corpus.
//!
//! Each row: a name, what it does to a root, the codes it must produce with a fragment of the
//! path each must name, and the class's severity (errors fail the run, warnings never do).

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use ticket_domain::Severity;

use crate::support::{self, CLOSED, OPEN, check, copy_tree, corpus, show};

/// Where a fault is injected: the root, an open ticket and a closed one with a resolution.
struct Ctx {
    root: PathBuf,
    open: String,
    closed: String,
    /// A directory beside the root, outside it.
    outside: PathBuf,
}

impl Ctx {
    fn at(&self, rel: &str) -> PathBuf {
        self.root.join(self.expand(rel))
    }

    fn expand(&self, s: &str) -> String {
        s.replace("{open}", &self.open)
            .replace("{closed}", &self.closed)
            .replace("{name}", self.open.trim_start_matches("open/"))
    }

    fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        let path = self.at(rel);
        let text = fs::read_to_string(&path).expect("read file to edit");
        put(&path, f(text));
    }

    /// Replaces the first line starting with `prefix`.
    fn set_line(&self, rel: &str, prefix: &str, new: &str) {
        self.edit(rel, |text| {
            let mut done = false;
            text.split_inclusive('\n')
                .map(|line| {
                    if !done && line.starts_with(prefix) {
                        done = true;
                        if new.is_empty() {
                            String::new()
                        } else {
                            format!("{new}\n")
                        }
                    } else {
                        line.to_owned()
                    }
                })
                .collect()
        });
        assert!(fs::read_to_string(self.at(rel)).is_ok(), "edited {rel}");
    }

    fn append(&self, rel: &str, extra: &str) {
        self.edit(rel, |text| text + extra);
    }

    /// Adds `line` as the frontmatter's last line (before its closing `---`).
    fn add_key(&self, rel: &str, line: &str) {
        let line = self
            .expand(line)
            .replace("{closed_name}", self.closed.trim_start_matches("closed/"));
        self.edit(rel, |text| {
            let close = text[4..].find("\n---").map_or(text.len(), |i| i + 5);
            format!("{}{line}\n{}", &text[..close], &text[close..])
        });
    }
}

/// Replaces a file by a new one: the trees share files by hard links, so never write in place.
fn put(path: &Path, bytes: impl AsRef<[u8]>) {
    let _ = fs::remove_file(path);
    fs::write(path, bytes).expect("write file");
}

struct Fault {
    name: &'static str,
    inject: fn(&Ctx),
    /// (code, fragment of its path; `{open}`/`{closed}` expand to the ticket's `status/id`).
    expect: &'static [(&'static str, &'static str)],
    severity: Severity,
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

fn copy_dir(ctx: &Ctx, from: &str, to: &str) {
    copy_tree(&ctx.at(from), &ctx.at(to));
}

const FAULTS: &[Fault] = &[
    // The shell's checks.
    Fault {
        name: "status directory missing",
        inject: |c| fs::remove_dir_all(c.at("pending")).expect("rm pending"),
        expect: &[("missing-directory", "work-items/pending")],
        severity: W,
    },
    Fault {
        name: "item.md missing",
        inject: |c| fs::remove_file(c.at("{open}/item.md")).expect("rm item"),
        expect: &[("missing-item", "{open}")],
        severity: E,
    },
    Fault {
        name: "item.md is a directory",
        inject: |c| {
            fs::remove_file(c.at("{open}/item.md")).expect("rm item");
            fs::create_dir(c.at("{open}/item.md")).expect("mkdir item.md");
        },
        expect: &[("missing-item", "{open}")],
        severity: E,
    },
    Fault {
        name: "thread.md missing",
        inject: |c| fs::remove_file(c.at("{open}/thread.md")).expect("rm thread"),
        expect: &[("missing-thread", "{open}")],
        severity: E,
    },
    Fault {
        name: "artifacts/ missing",
        inject: |c| fs::remove_dir_all(c.at("{open}/artifacts")).expect("rm artifacts"),
        expect: &[("missing-artifacts", "{open}/artifacts")],
        severity: E,
    },
    Fault {
        name: "frontmatter opener missing",
        inject: |c| c.edit("{open}/item.md", |t| format!("# Title\n{t}")),
        expect: &[
            ("missing-frontmatter-opener", "{open}/item.md"),
            ("missing-required-field", "{open}/item.md"),
        ],
        severity: E,
    },
    Fault {
        name: "required field missing",
        inject: |c| c.set_line("{open}/item.md", "kind:", ""),
        expect: &[("missing-required-field", "{open}/item.md")],
        severity: E,
    },
    Fault {
        name: "required field empty",
        inject: |c| c.set_line("{open}/item.md", "priority:", "priority:   "),
        expect: &[("missing-required-field", "{open}/item.md")],
        severity: E,
    },
    Fault {
        name: "directory id mismatch",
        inject: |c| c.set_line("{open}/item.md", "id:", "id: 20990101-000000-other"),
        expect: &[("directory-id-mismatch", "{open}")],
        severity: E,
    },
    Fault {
        name: "status mismatch",
        inject: |c| c.set_line("{open}/item.md", "status:", "status: pending"),
        expect: &[("status-mismatch", "{open}/item.md")],
        severity: E,
    },
    Fault {
        name: "duplicate id",
        inject: |c| copy_dir(c, "{open}", "open/zzzz-copy"),
        expect: &[
            ("duplicate-id", "{open}/item.md"),
            ("duplicate-slug", "{open}/item.md"),
            ("directory-id-mismatch", "open/zzzz-copy"),
        ],
        severity: E,
    },
    Fault {
        name: "duplicate slug",
        inject: |c| {
            copy_dir(c, "{open}", "open/29990101-000000-copy");
            c.set_line(
                "open/29990101-000000-copy/item.md",
                "id:",
                "id: 29990101-000000-copy",
            );
        },
        expect: &[("duplicate-slug", "{open}/item.md")],
        severity: E,
    },
    // Frontmatter, ours.
    Fault {
        name: "frontmatter never closed",
        inject: |c| {
            c.edit("{open}/item.md", |t| {
                let close = t[4..].find("\n---\n").expect("closing line") + 5;
                t[..close].to_owned()
            })
        },
        expect: &[("frontmatter-unclosed", "{open}/item.md")],
        severity: E,
    },
    Fault {
        name: "frontmatter line not key: value",
        inject: |c| {
            c.edit("{open}/item.md", |t| {
                t.replacen("---\n", "---\nnot a key value line\n", 1)
            })
        },
        expect: &[("frontmatter-not-key-value", "{open}/item.md")],
        severity: W,
    },
    Fault {
        name: "frontmatter key repeated",
        inject: |c| {
            c.edit("{open}/item.md", |t| {
                t.replacen("---\n", "---\npriority: P1\n", 1)
            })
        },
        expect: &[("frontmatter-duplicate-key", "{open}/item.md")],
        severity: W,
    },
    Fault {
        name: "unclosed quote",
        inject: |c| c.set_line("{open}/item.md", "title:", "title: \"never closed"),
        expect: &[("field-undecodable", "{open}/item.md")],
        severity: E,
    },
    Fault {
        name: "bad flow list",
        inject: |c| c.set_line("{open}/item.md", "labels:", "labels: [a, \"b]"),
        expect: &[("field-undecodable", "{open}/item.md")],
        severity: E,
    },
    Fault {
        name: "bad created_at",
        inject: |c| c.set_line("{open}/item.md", "created_at:", "created_at: yesterday"),
        expect: &[("timestamp-invalid", "{open}/item.md")],
        severity: E,
    },
    Fault {
        name: "slug our reader refuses",
        inject: |c| c.set_line("{open}/item.md", "slug:", "slug: Not A Slug!"),
        expect: &[("field-invalid", "{open}/item.md")],
        severity: E,
    },
    Fault {
        name: "quoted value the shell keeps quoted",
        inject: |c| c.set_line("{open}/item.md", "title:", "title: \"Quoted: title\""),
        expect: &[("shell-misread", "{open}/item.md")],
        severity: W,
    },
    Fault {
        name: "block list the shell reads as empty",
        inject: |c| c.set_line("{open}/item.md", "labels:", "labels:\n  - a\n  - b"),
        expect: &[
            ("missing-required-field", "{open}/item.md"),
            ("shell-misread", "{open}/item.md"),
        ],
        severity: E,
    },
    Fault {
        name: "CRLF item.md",
        inject: |c| c.edit("{open}/item.md", |t| t.replace('\n', "\r\n")),
        expect: &[("shell-misread", "{open}/item.md")],
        severity: W,
    },
    Fault {
        name: "updated_at before created_at",
        inject: |c| {
            c.set_line(
                "{open}/item.md",
                "updated_at:",
                "updated_at: 2000-01-01T00:00:00Z",
            )
        },
        expect: &[
            ("updated-before-created", "{open}/item.md"),
            ("updated-before-event", "{open}/item.md"),
        ],
        severity: W,
    },
    Fault {
        name: "event newer than updated_at",
        inject: |c| {
            c.append(
                "{open}/thread.md",
                "\n<!-- event: comment author: a at: 2999-01-01T00:00:00Z -->\n\n## Comment\n\nlater\n\n---\n",
            )
        },
        expect: &[("updated-before-event", "{open}/item.md")],
        severity: W,
    },
    // Resolutions and artifacts.
    Fault {
        name: "closed without resolution",
        inject: |c| fs::remove_file(c.at("{closed}/resolution.md")).expect("rm resolution"),
        expect: &[("closed-without-resolution", "{closed}")],
        severity: W,
    },
    Fault {
        name: "resolution under an open ticket",
        inject: |c| put(&c.at("{open}/resolution.md"), "Done.\n"),
        expect: &[("resolution-not-closed", "{open}/resolution.md")],
        severity: W,
    },
    Fault {
        name: "artifacts/ empty",
        inject: |c| {
            fs::remove_dir_all(c.at("{open}/artifacts")).expect("rm");
            fs::create_dir(c.at("{open}/artifacts")).expect("mkdir");
        },
        expect: &[("artifacts-empty", "{open}/artifacts")],
        severity: W,
    },
    // Threads.
    Fault {
        name: "event header without author",
        inject: |c| {
            c.append(
                "{open}/thread.md",
                "\n<!-- event: comment at: 2026-06-01T00:00:00Z -->\n\nx\n",
            )
        },
        expect: &[("event-header-malformed", "{open}/thread.md")],
        severity: E,
    },
    Fault {
        name: "event header without -->",
        inject: |c| {
            c.append(
                "{open}/thread.md",
                "\n<!-- event: comment author: a at: 2026-06-01T00:00:00Z\n",
            )
        },
        expect: &[("event-header-malformed", "{open}/thread.md")],
        severity: E,
    },
    Fault {
        name: "event time not RFC 3339",
        inject: |c| {
            c.append(
                "{open}/thread.md",
                "\n<!-- event: comment author: a at: soon -->\n\nx\n",
            )
        },
        expect: &[("event-time-invalid", "{open}/thread.md")],
        severity: E,
    },
    Fault {
        name: "event refs undecodable",
        inject: |c| {
            c.append(
                "{open}/thread.md",
                "\n<!-- event: comment author: a at: 2026-06-01T00:00:00Z refs: commit=%zz -->\n\nx\n",
            )
        },
        expect: &[("event-refs-invalid", "{open}/thread.md")],
        severity: E,
    },
    Fault {
        name: "text before the first event",
        inject: |c| c.edit("{open}/thread.md", |t| format!("stray notes\n\n{t}")),
        expect: &[("thread-preamble", "{open}/thread.md")],
        severity: W,
    },
    Fault {
        name: "thread cut short inside its last event",
        inject: |c| {
            c.edit("{open}/thread.md", |t| {
                let cut = t.trim_end_matches('\n').trim_end_matches('-').len();
                t[..cut.saturating_sub(3)].to_owned()
            })
        },
        expect: &[("thread-cut-tail", "{open}/thread.md")],
        severity: W,
    },
    Fault {
        name: "empty thread",
        inject: |c| put(&c.at("{open}/thread.md"), ""),
        expect: &[("thread-empty", "{open}/thread.md")],
        severity: W,
    },
    Fault {
        name: "two create events: two tickets of one id merged by git",
        inject: |c| {
            c.append(
                "{open}/thread.md",
                "\n<!-- event: create author: a at: 2026-05-28T10:00:00Z refs: id=one -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n\n<!-- event: create author: b at: 2026-05-28T10:00:00Z refs: id=other -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n",
            )
        },
        expect: &[("thread-two-creates", "{open}/thread.md")],
        severity: E,
    },
    Fault {
        name: "review without verdict",
        inject: |c| {
            c.append(
                "{open}/thread.md",
                "\n<!-- event: review author: a at: 2026-05-28T10:00:00Z -->\n\n## Review\n\nhm\n\n---\n",
            )
        },
        expect: &[("review-without-verdict", "{open}/thread.md")],
        severity: W,
    },
    // Merges, leftovers, links, encodings.
    Fault {
        name: "same ticket in two status directories",
        inject: |c| {
            let name = c.open.trim_start_matches("open/").to_owned();
            copy_dir(c, "{open}", &format!("closed/{name}"));
        },
        expect: &[
            ("same-id-in-two-statuses", "{open}"),
            ("duplicate-id", "closed/{name}/item.md"),
        ],
        severity: E,
    },
    Fault {
        name: "conflict markers in item.md",
        inject: |c| {
            c.append(
                "{open}/item.md",
                "<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> topic\n",
            )
        },
        expect: &[("conflict-marker", "{open}/item.md")],
        severity: E,
    },
    Fault {
        name: "conflict markers in thread.md",
        inject: |c| {
            c.edit("{open}/thread.md", |t| {
                format!("<<<<<<< HEAD\n{t}=======\n>>>>>>> topic\n")
            })
        },
        expect: &[("conflict-marker", "{open}/thread.md")],
        severity: E,
    },
    Fault {
        name: "conflict markers in resolution.md",
        inject: |c| {
            c.append(
                "{closed}/resolution.md",
                "<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n",
            )
        },
        expect: &[("conflict-marker", "{closed}/resolution.md")],
        severity: E,
    },
    Fault {
        name: "leftover in .tmp/",
        inject: |c| {
            fs::create_dir_all(c.at(".tmp")).expect("mkdir .tmp");
            fs::write(c.at(".tmp/ticket-abc123"), "half").expect("tmp file");
        },
        expect: &[("leftover-temp", ".tmp/ticket-abc123")],
        severity: W,
    },
    Fault {
        name: "leftover .atomicwrite directory",
        inject: |c| {
            fs::create_dir(c.at("{open}/.atomicwriteXYZ")).expect("mkdir");
            fs::write(c.at("{open}/.atomicwriteXYZ/item.md"), "half").expect("write");
        },
        expect: &[("leftover-temp", "{open}/.atomicwriteXYZ")],
        severity: W,
    },
    Fault {
        name: "leftover tickets-sh temp file",
        inject: |c| fs::write(c.at("tickets-sh.ids.4242"), "x\n").expect("write"),
        expect: &[("leftover-temp", "work-items/tickets-sh.ids.4242")],
        severity: W,
    },
    Fault {
        name: "thread.md links outside the root",
        inject: |c| {
            let target = c.outside.join("thread.md");
            fs::copy(c.at("{open}/thread.md"), &target).expect("copy out");
            fs::remove_file(c.at("{open}/thread.md")).expect("rm");
            symlink(&target, c.at("{open}/thread.md")).expect("symlink");
        },
        expect: &[("symlink-outside-root", "{open}/thread.md")],
        severity: E,
    },
    Fault {
        name: "ticket directory links outside the root",
        inject: |c| {
            let target = c.outside.join("ticket");
            copy_tree(&c.at("{open}"), &target);
            fs::remove_dir_all(c.at("{open}")).expect("rm");
            symlink(&target, c.at("{open}")).expect("symlink");
        },
        expect: &[("symlink-outside-root", "{open}")],
        severity: E,
    },
    Fault {
        name: "artifact links outside the root",
        inject: |c| symlink(&c.outside, c.at("{open}/artifacts/escape")).expect("symlink"),
        expect: &[("symlink-outside-root", "{open}/artifacts/escape")],
        severity: E,
    },
    Fault {
        name: "item.md not UTF-8",
        inject: |c| {
            let mut bytes = fs::read(c.at("{open}/item.md")).expect("read");
            bytes.extend_from_slice(b"\nbad \xff\xfe bytes\n");
            put(&c.at("{open}/item.md"), bytes);
        },
        expect: &[("not-utf8", "{open}/item.md")],
        severity: E,
    },
    Fault {
        name: "thread.md too large to read",
        inject: |c| {
            c.edit("{open}/thread.md", |t| t); // a file of its own, not a link to the source
            let f = fs::OpenOptions::new()
                .write(true)
                .open(c.at("{open}/thread.md"))
                .expect("open");
            f.set_len(65 * 1024 * 1024).expect("sparse grow"); // sparse: no disk used
        },
        expect: &[("unreadable", "{open}/thread.md")],
        severity: E,
    },
    // Relations.
    Fault {
        name: "a relation names no ticket",
        inject: |c| c.add_key("{open}/item.md", "depends_on: [20990101-000000-nowhere]"),
        expect: &[("relation-dangling", "{open}/item.md")],
        severity: W,
    },
    Fault {
        name: "a relation names the ticket itself",
        inject: |c| c.add_key("{open}/item.md", "related: [{name}]"),
        expect: &[("relation-self", "{open}/item.md")],
        severity: E,
    },
    Fault {
        name: "a cycle through depends_on and parent",
        inject: |c| {
            c.add_key("{open}/item.md", "depends_on: [{closed_name}]");
            c.add_key("{closed}/item.md", "parent: [{name}]");
        },
        expect: &[("relation-cycle", "/item.md")],
        severity: E,
    },
    Fault {
        name: "an inverse kind stored",
        inject: |c| c.add_key("{open}/item.md", "blocks: [{closed_name}]"),
        expect: &[("relation-inverse-stored", "{open}/item.md")],
        severity: W,
    },
    Fault {
        name: "an edge listed twice",
        inject: |c| {
            c.add_key(
                "{open}/item.md",
                "supersedes: [{closed_name}, {closed_name}]",
            )
        },
        expect: &[("relation-duplicate", "{open}/item.md")],
        severity: W,
    },
];

/// Every code of the table, so the table provably covers every rule but `fix-failed`.
#[test]
fn table_covers_every_code() {
    let covered: std::collections::BTreeSet<&str> = FAULTS
        .iter()
        .flat_map(|f| f.expect.iter().map(|(code, _)| *code))
        .collect();
    let missing: Vec<&str> = ticket_doctor::Code::ALL
        .iter()
        .map(|c| c.as_str())
        // merge-driver-missing is the app's (it asks git): ticket-cli's tests/cli/sync.rs.
        .filter(|c| !covered.contains(c) && *c != "fix-failed" && *c != "merge-driver-missing")
        .collect();
    assert!(missing.is_empty(), "no fault for {missing:?}");
}

/// A copy of `from` whose files are hard links (cheap; faults replace files, never edit them).
fn link_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read source dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            link_tree(&entry.path(), &target);
        } else {
            fs::hard_link(entry.path(), &target).expect("hard link");
        }
    }
}

fn run_table(original: &Path, open: &str, closed: &str, label: &str) {
    let pristine = tempfile::tempdir().expect("tempdir");
    let source = &pristine.path().join("work-items");
    copy_tree(original, source);
    // Faults are independent: run them on a few threads (the copies are most of the time).
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    FAULTS
                        .iter()
                        .skip(w)
                        .step_by(workers)
                        .filter_map(|fault| run_fault(fault, source, open, closed, label))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("fault worker panicked"))
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Injects one fault into a fresh tree and checks the report; `Some(why)` when it fails.
fn run_fault(
    fault: &Fault,
    source: &Path,
    open: &str,
    closed: &str,
    label: &str,
) -> Option<String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("work-items");
    link_tree(source, &root);
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).expect("mkdir outside");
    let ctx = Ctx {
        root: root.clone(),
        open: open.into(),
        closed: closed.into(),
        outside,
    };
    (fault.inject)(&ctx);
    let report = check(&root);
    if std::env::var_os("DOCTOR_SHOW").is_some() {
        eprintln!("== [{label}] {}\n{}", fault.name, show(&report));
    }
    let mut problems = Vec::new();
    for (code, fragment) in fault.expect {
        let fragment = ctx.expand(fragment);
        let hit = report
            .diagnostics
            .iter()
            .any(|d| d.code == *code && d.path.as_deref().is_some_and(|p| p.contains(&fragment)));
        if !hit {
            problems.push(format!("no `{code}` naming `{fragment}`"));
        }
    }
    let primary = fault.expect[0].0;
    if report
        .diagnostics
        .iter()
        .any(|d| d.code == primary && d.severity != fault.severity)
    {
        problems.push(format!("`{primary}` is not {:?}", fault.severity));
    }
    match fault.severity {
        Severity::Error if report.ok() => problems.push("run is ok, expected errors".into()),
        Severity::Warning if !report.ok() => {
            problems.push("run failed, expected warnings only".into())
        }
        _ => {}
    }
    (!problems.is_empty()).then(|| {
        format!(
            "[{label}] {}: {}\n{}",
            fault.name,
            problems.join("; "),
            show(&report)
        )
    })
}

#[test]
fn every_fault_is_caught_in_the_fixture() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = support::fixture(tmp.path());
    let clean = check(&root);
    assert!(clean.diagnostics.is_empty(), "{}", show(&clean));
    run_table(&root, OPEN, CLOSED, "fixture");
}

#[test]
fn every_fault_is_caught_in_the_corpus() {
    let Some(root) = corpus() else { return };
    let first = |status: &str, want_resolution: bool| -> String {
        let mut names: Vec<_> = fs::read_dir(root.join(status))
            .expect("status dir")
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .filter(|e| !want_resolution || e.path().join("resolution.md").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        format!("{status}/{}", names[0])
    };
    run_table(
        &root,
        &first("open", false),
        &first("closed", true),
        "corpus",
    );
}
