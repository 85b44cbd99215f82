//! Random edits to real files behind the index's back (in place, by rename, moves between
//! status directories, deletions, new tickets), each followed by a search: the index and the
//! scan agree every time, whatever the stamps' timing.

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use ticket_app::{App, CreateRequest, SearchRequest, Settings};

use crate::support::exactly;

const WORDS: &[&str] = &[
    "parser",
    "lock",
    "設計",
    "永続化",
    "review",
    "byte",
    "parsing",
];
const STATUSES: &[&str] = &["open", "pending", "closed"];

#[derive(Clone, Debug)]
enum Edit {
    /// Append words to a ticket's thread.md in place (same inode).
    Append(usize, Vec<usize>),
    /// Replace a ticket's item.md body by rename (new inode).
    Rewrite(usize, Vec<usize>),
    /// Move a ticket directory to another status directory (frontmatter unchanged).
    Move(usize, usize),
    Remove(usize),
    Create(Vec<usize>),
    Search(usize, bool),
}

fn words(w: &[usize]) -> String {
    w.iter().map(|i| WORDS[*i]).collect::<Vec<_>>().join(" ")
}

fn edit() -> impl Strategy<Value = Edit> {
    let w = || prop::collection::vec(0..WORDS.len(), 1..4);
    prop_oneof![
        3 => (0..12usize, w()).prop_map(|(n, w)| Edit::Append(n, w)),
        2 => (0..12usize, w()).prop_map(|(n, w)| Edit::Rewrite(n, w)),
        1 => (0..12usize, 0..3usize).prop_map(|(n, s)| Edit::Move(n, s)),
        1 => (0..12usize).prop_map(Edit::Remove),
        1 => w().prop_map(Edit::Create),
        3 => (0..WORDS.len(), any::<bool>()).prop_map(|(w, p)| Edit::Search(w, p)),
    ]
}

/// The `n`-th ticket directory (modulo how many there are), in a fixed order.
fn nth(root: &Path, n: usize) -> Option<std::path::PathBuf> {
    let mut dirs: Vec<_> = STATUSES
        .iter()
        .filter_map(|s| fs::read_dir(root.join(s)).ok())
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    (!dirs.is_empty()).then(|| dirs[n % dirs.len()].clone())
}

fn apply(app: &App, root: &Path, e: &Edit, created: &mut usize) {
    match e {
        Edit::Append(n, w) => {
            if let Some(d) = nth(root, *n) {
                let mut f = fs::OpenOptions::new()
                    .append(true)
                    .open(d.join("thread.md"))
                    .expect("open");
                std::io::Write::write_all(&mut f, format!("\n{}\n", words(w)).as_bytes())
                    .expect("append");
            }
        }
        Edit::Rewrite(n, w) => {
            if let Some(d) = nth(root, *n) {
                let item = fs::read_to_string(d.join("item.md")).expect("read");
                let head = item.split("\n---\n").next().expect("frontmatter");
                let tmp = root.join("new-item.md");
                fs::write(&tmp, format!("{head}\n---\n\n{}\n", words(w))).expect("write");
                fs::rename(&tmp, d.join("item.md")).expect("rename");
            }
        }
        Edit::Move(n, s) => {
            if let Some(d) = nth(root, *n) {
                let to = root.join(STATUSES[*s]);
                fs::create_dir_all(&to).expect("mkdir");
                let target = to.join(d.file_name().expect("name"));
                if !target.exists() {
                    fs::rename(&d, target).expect("move");
                }
            }
        }
        Edit::Remove(n) => {
            if let Some(d) = nth(root, *n) {
                fs::remove_dir_all(d).expect("rm");
            }
        }
        Edit::Create(w) => {
            *created += 1;
            app.create(CreateRequest {
                title: format!("{} {}", words(w), created),
                ..CreateRequest::default()
            })
            .expect("create");
        }
        Edit::Search(..) => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn index_and_scan_agree_after_edits_to_the_files(edits in prop::collection::vec(edit(), 1..16)) {
        let dir = tempfile::tempdir().expect("scratch");
        let root = dir.path().join("work-items");
        let app = App::new(&root, Settings { user: Some("tester".into()), ..Settings::default() });
        let mut created = 0;
        for i in 0..8 {
            apply(&app, &root, &Edit::Create(vec![i % WORDS.len(), (i * 3) % WORDS.len()]), &mut created);
        }
        for e in &edits {
            apply(&app, &root, e, &mut created);
            if let Edit::Search(w, prefix) = e {
                let q = if *prefix { format!("{}*", &WORDS[*w][..3.min(WORDS[*w].len())]) } else { WORDS[*w].to_string() };
                let q = if q.is_char_boundary(q.len()) { q } else { WORDS[*w].to_string() };
                let request = SearchRequest { query: q.clone(), limit: 50, ..SearchRequest::default() };
                let indexed = app.search(request.clone()).expect("search");
                let scanned = app.search(SearchRequest { scan: true, ..request }).expect("scan");
                prop_assert_eq!(exactly(&indexed), exactly(&scanned), "query {}", q);
            }
        }
    }
}
