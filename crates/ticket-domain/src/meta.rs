//! The machine-readable fields orchestrators and policies need. All are optional frontmatter keys,
//! absent from every existing ticket, so their defaults apply unless someone sets them.

use serde::Serialize;

use crate::action::ActionRequired;
use crate::vocab::open_vocabulary;

open_vocabulary! {
    /// How ready a ticket is for implementation.
    pub enum Readiness {
        ImplementationReady = "implementation_ready",
        RequirementsSyncNeeded = "requirements_sync_needed",
        SpikeNeeded = "spike_needed",
        Blocked = "blocked",
        Unspecified = "unspecified",
    }
}

#[allow(clippy::derivable_impls)] // the enum comes from a macro that cannot derive it
impl Default for Readiness {
    fn default() -> Self {
        Self::Unspecified
    }
}

/// References to the things a ticket touches. Each list is a frontmatter key `refs_<name>`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Refs {
    pub files: Vec<String>,
    pub branches: Vec<String>,
    pub commits: Vec<String>,
    pub pods: Vec<String>,
    pub artifacts: Vec<String>,
    pub urls: Vec<String>,
}

impl Refs {
    /// Frontmatter key and list for each kind of reference, in the order writers emit them.
    pub fn keyed(&self) -> [(&'static str, &Vec<String>); 6] {
        [
            ("refs_files", &self.files),
            ("refs_branches", &self.branches),
            ("refs_commits", &self.commits),
            ("refs_pods", &self.pods),
            ("refs_artifacts", &self.artifacts),
            ("refs_urls", &self.urls),
        ]
    }

    /// The list behind a frontmatter key, for readers.
    pub fn slot(&mut self, key: &str) -> Option<&mut Vec<String>> {
        Some(match key {
            "refs_files" => &mut self.files,
            "refs_branches" => &mut self.branches,
            "refs_commits" => &mut self.commits,
            "refs_pods" => &mut self.pods,
            "refs_artifacts" => &mut self.artifacts,
            "refs_urls" => &mut self.urls,
            _ => return None,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.keyed().iter().all(|(_, list)| list.is_empty())
    }
}

/// The typed fields beyond the format's eleven keys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WorkMeta {
    /// Frontmatter `readiness`; `unspecified` when absent.
    pub readiness: Readiness,
    /// Frontmatter `needs_preflight: true|false`; false when absent.
    pub needs_preflight: bool,
    /// Frontmatter `risk_flags: [a, b]`.
    pub risk_flags: Vec<String>,
    /// Frontmatter `action_required`, when someone set it; otherwise derived from the thread
    /// (see [`crate::derive_action_required`]).
    pub action_required: Option<ActionRequired>,
    pub refs: Refs,
}

impl WorkMeta {
    /// The frontmatter keys these fields live under; writers never emit a key at its default.
    pub const KEYS: [&'static str; 10] = [
        "readiness",
        "needs_preflight",
        "risk_flags",
        "action_required",
        "refs_files",
        "refs_branches",
        "refs_commits",
        "refs_pods",
        "refs_artifacts",
        "refs_urls",
    ];
}
