//! The shape of the tree beyond the shell's checks: links out of the root, leftovers of crashed
//! writes, resolutions that do not match the status, empty artifacts/, and one ticket in two
//! status directories.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::PathBuf;

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
    let mut by_name: BTreeMap<&[u8], Vec<PathBuf>> = BTreeMap::new();
    for status in &tree.statuses {
        for t in &status.tickets {
            by_name
                .entry(OsStr::as_encoded_bytes(&t.name))
                .or_default()
                .push(t.path.clone());
        }
    }
    for paths in by_name.values().filter(|p| p.len() > 1) {
        let listed: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        sink.push(
            Code::SameIdInTwoStatuses,
            &paths[0],
            None,
            format!(
                "same ticket in two status directories: {}",
                listed.join(" and ")
            ),
        );
    }
}
