//! A writable copy of the real corpus, `App` over it, and `tickets.sh` beside it.

use std::path::{Path, PathBuf};
use std::process::Command;

use ticket_app::{App, SearchRequest, Searched, Settings, TicketStatus};

pub struct Root {
    pub dir: tempfile::TempDir,
}

impl Root {
    /// A copy of the corpus, or `None` (with the skip notice) when it is absent.
    pub fn corpus() -> Option<Root> {
        let src = ticket_test_support::corpus()?;
        let dir = tempfile::tempdir().expect("scratch");
        ticket_test_support::copy_tree(&src, &dir.path().join("work-items"));
        Some(Root { dir })
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("work-items")
    }

    pub fn app(&self) -> App {
        App::new(
            self.path(),
            Settings {
                user: Some("tester".into()),
                ..Settings::default()
            },
        )
    }

    pub fn search(&self, request: SearchRequest) -> Searched {
        self.app().search(request).expect("search")
    }

    /// Runs `./tickets.sh` on this root.
    pub fn shell(&self, args: &[&str]) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tickets.sh");
        let out = Command::new("sh")
            .arg(script)
            .args(args)
            .current_dir(self.dir.path())
            .env("WORK_ITEMS_DIR", "work-items")
            .env("USER", "tester")
            .env_remove("TICKETS_NOW")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run tickets.sh");
        assert!(
            out.status.success(),
            "tickets.sh {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

pub fn request(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        limit: 50,
        ..SearchRequest::default()
    }
}

pub fn with_status(query: &str, status: TicketStatus) -> SearchRequest {
    SearchRequest {
        statuses: vec![status],
        ..request(query)
    }
}

/// The hits' ticket names without their `YYYYMMDD-HHMMSS-` prefix, best first.
pub fn names(found: &Searched) -> Vec<String> {
    found
        .hits
        .iter()
        .map(|h| h.id.get(16..).unwrap_or(&h.id).to_owned())
        .collect()
}

/// Everything a hit says, its score bit for bit.
pub fn exactly(found: &Searched) -> Vec<(String, u32, String, String, String)> {
    found
        .hits
        .iter()
        .map(|h| {
            (
                h.id.clone(),
                h.score.to_bits(),
                h.status.clone(),
                h.field.name(),
                h.snippet.clone(),
            )
        })
        .collect()
}
