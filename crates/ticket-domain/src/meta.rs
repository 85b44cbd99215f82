//! The machine-readable fields orchestrators and policies need. All are optional in a ticket's
//! file, absent from every existing ticket, so their defaults apply unless someone sets them.

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

/// References to the things a ticket touches, one list per kind of thing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Refs {
    pub files: Vec<String>,
    pub branches: Vec<String>,
    pub commits: Vec<String>,
    pub pods: Vec<String>,
    pub artifacts: Vec<String>,
    pub urls: Vec<String>,
}

/// One of the lists of [`Refs`], for code that handles them all alike (a file format names each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefList {
    Files,
    Branches,
    Commits,
    Pods,
    Artifacts,
    Urls,
}

impl RefList {
    /// Every list, in the order of [`Refs`]' fields.
    pub const ALL: [RefList; 6] = [
        Self::Files,
        Self::Branches,
        Self::Commits,
        Self::Pods,
        Self::Artifacts,
        Self::Urls,
    ];
}

impl Refs {
    /// One list, by which.
    pub fn get(&self, list: RefList) -> &[String] {
        match list {
            RefList::Files => &self.files,
            RefList::Branches => &self.branches,
            RefList::Commits => &self.commits,
            RefList::Pods => &self.pods,
            RefList::Artifacts => &self.artifacts,
            RefList::Urls => &self.urls,
        }
    }

    /// One list, by which, to fill.
    pub fn get_mut(&mut self, list: RefList) -> &mut Vec<String> {
        match list {
            RefList::Files => &mut self.files,
            RefList::Branches => &mut self.branches,
            RefList::Commits => &mut self.commits,
            RefList::Pods => &mut self.pods,
            RefList::Artifacts => &mut self.artifacts,
            RefList::Urls => &mut self.urls,
        }
    }

    pub fn is_empty(&self) -> bool {
        RefList::ALL.iter().all(|&list| self.get(list).is_empty())
    }
}

/// The typed fields beyond the format's eleven keys. Each is optional in a ticket's file, so its
/// default applies when it is absent (how a file spells them is the format's business, not the
/// domain's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WorkMeta {
    /// How ready the ticket is; `unspecified` when absent.
    pub readiness: Readiness,
    /// Whether a preflight is needed; false when absent.
    pub needs_preflight: bool,
    /// Risks someone flagged; none when absent.
    pub risk_flags: Vec<String>,
    /// Who must act, when someone set it; otherwise derived from the thread
    /// (see [`crate::derive_action_required`]).
    pub action_required: Option<ActionRequired>,
    pub refs: Refs,
}
