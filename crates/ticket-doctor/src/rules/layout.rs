//! The shape of the tree beyond the shell's checks: links out of the root, leftovers of crashed
//! writes, resolutions that do not match the status, empty artifacts/, and one ticket in two
//! status directories.

use std::ffi::OsStr;
use std::path::Path;

use ticket_store_local::layout::CLOSED;

use crate::code::Code;
use crate::report::Sink;
use crate::scan::{Artifacts, Content, TicketDir, Tree};

pub(super) fn root(tree: &Tree, sink: &mut Sink) {
    for escape in &tree.escapes {
        sink.push(
            Code::SymlinkOutsideRoot,
            &escape.link,
            None,
            format!(
                "symbolic link leads outside the ticket root: {} -> {}",
                escape.link.display(),
                escape.target.display()
            ),
        );
    }
    for leftover in &tree.leftovers {
        sink.push(
            Code::LeftoverTemp,
            leftover,
            None,
            format!("leftover temporary file: {}", leftover.display()),
        );
    }
    for status in &tree.statuses {
        if let Some(why) = &status.listing_error {
            sink.push(
                Code::Unreadable,
                &status.path,
                None,
                format!("cannot list: {} ({why})", status.path.display()),
            );
        }
    }
}

pub(super) fn ticket(t: &TicketDir, sink: &mut Sink) {
    if let Some(why) = &t.listing_error {
        sink.push(
            Code::Unreadable,
            &t.path,
            None,
            format!("cannot list: {} ({why})", t.path.display()),
        );
        return;
    }
    match &t.artifacts {
        Artifacts::Empty => sink.push(
            Code::ArtifactsEmpty,
            &t.artifacts_path(),
            None,
            format!(
                "artifacts/ is empty, so git will not keep it: {}",
                t.artifacts_path().display()
            ),
        ),
        Artifacts::Unreadable(why) => sink.push(
            Code::Unreadable,
            &t.artifacts_path(),
            None,
            format!("cannot list: {} ({why})", t.artifacts_path().display()),
        ),
        Artifacts::Absent | Artifacts::NotDir | Artifacts::Filled => {}
    }
    let has_resolution = !matches!(t.resolution, Content::Absent);
    if t.status == CLOSED && !has_resolution {
        sink.push(
            Code::ClosedWithoutResolution,
            &t.path,
            None,
            format!("closed ticket has no resolution.md: {}", t.path.display()),
        );
    } else if t.status != CLOSED && has_resolution {
        sink.push(
            Code::ResolutionNotClosed,
            &t.resolution_path(),
            None,
            format!(
                "resolution.md under a ticket that is not closed (kept from an earlier close?): {}",
                t.resolution_path().display()
            ),
        );
    }
}

/// One directory name under two or more status directories: a merge of two status moves.
pub(super) fn across(tree: &Tree, sink: &mut Sink) {
    // Sorted by name, stably: each name's paths stay in status order. No path is copied.
    let mut names: Vec<(&[u8], &Path)> = tree
        .statuses
        .iter()
        .flat_map(|s| &s.tickets)
        .map(|t| (OsStr::as_encoded_bytes(t.name()), &*t.path))
        .collect();
    names.sort_by(|a, b| a.0.cmp(b.0));
    for group in names.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        let listed: Vec<String> = group.iter().map(|(_, p)| p.display().to_string()).collect();
        sink.push(
            Code::SameIdInTwoStatuses,
            group[0].1,
            None,
            format!(
                "same ticket in two status directories: {}",
                listed.join(" and ")
            ),
        );
    }
}
