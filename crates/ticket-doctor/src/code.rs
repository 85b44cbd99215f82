//! The stable diagnostic codes: each with its severity and what to do about it.
//!
//! A code never changes meaning once published; scripts match on it. docs/doctor.md lists them.

use ticket_domain::Severity;

/// Every rule the doctor knows. The first ten mirror `tickets.sh doctor` one to one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    // The shell's checks, in the shell's order.
    MissingDirectory,
    MissingItem,
    MissingThread,
    MissingArtifacts,
    MissingFrontmatterOpener,
    MissingRequiredField,
    DirectoryIdMismatch,
    StatusMismatch,
    DuplicateId,
    DuplicateSlug,
    // Ours.
    SymlinkOutsideRoot,
    LeftoverTemp,
    SameIdInTwoStatuses,
    Unreadable,
    NotUtf8,
    ConflictMarker,
    FrontmatterUnclosed,
    FrontmatterNotKeyValue,
    FrontmatterDuplicateKey,
    FieldUndecodable,
    TimestampInvalid,
    FieldInvalid,
    ShellMisread,
    UpdatedBeforeCreated,
    UpdatedBeforeEvent,
    ClosedWithoutResolution,
    ResolutionNotClosed,
    ArtifactsEmpty,
    ThreadEmpty,
    ThreadPreamble,
    ThreadCutTail,
    EventHeaderMalformed,
    EventTimeInvalid,
    EventRefsInvalid,
    ReviewWithoutVerdict,
    FixFailed,
}

impl Code {
    /// Every code, in the order docs/doctor.md lists them.
    pub const ALL: [Code; 36] = [
        Code::MissingDirectory,
        Code::MissingItem,
        Code::MissingThread,
        Code::MissingArtifacts,
        Code::MissingFrontmatterOpener,
        Code::MissingRequiredField,
        Code::DirectoryIdMismatch,
        Code::StatusMismatch,
        Code::DuplicateId,
        Code::DuplicateSlug,
        Code::SymlinkOutsideRoot,
        Code::LeftoverTemp,
        Code::SameIdInTwoStatuses,
        Code::Unreadable,
        Code::NotUtf8,
        Code::ConflictMarker,
        Code::FrontmatterUnclosed,
        Code::FrontmatterNotKeyValue,
        Code::FrontmatterDuplicateKey,
        Code::FieldUndecodable,
        Code::TimestampInvalid,
        Code::FieldInvalid,
        Code::ShellMisread,
        Code::UpdatedBeforeCreated,
        Code::UpdatedBeforeEvent,
        Code::ClosedWithoutResolution,
        Code::ResolutionNotClosed,
        Code::ArtifactsEmpty,
        Code::ThreadEmpty,
        Code::ThreadPreamble,
        Code::ThreadCutTail,
        Code::EventHeaderMalformed,
        Code::EventTimeInvalid,
        Code::EventRefsInvalid,
        Code::ReviewWithoutVerdict,
        Code::FixFailed,
    ];

    /// The kebab-case name scripts match on.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MissingDirectory => "missing-directory",
            Code::MissingItem => "missing-item",
            Code::MissingThread => "missing-thread",
            Code::MissingArtifacts => "missing-artifacts",
            Code::MissingFrontmatterOpener => "missing-frontmatter-opener",
            Code::MissingRequiredField => "missing-required-field",
            Code::DirectoryIdMismatch => "directory-id-mismatch",
            Code::StatusMismatch => "status-mismatch",
            Code::DuplicateId => "duplicate-id",
            Code::DuplicateSlug => "duplicate-slug",
            Code::SymlinkOutsideRoot => "symlink-outside-root",
            Code::LeftoverTemp => "leftover-temp",
            Code::SameIdInTwoStatuses => "same-id-in-two-statuses",
            Code::Unreadable => "unreadable",
            Code::NotUtf8 => "not-utf8",
            Code::ConflictMarker => "conflict-marker",
            Code::FrontmatterUnclosed => "frontmatter-unclosed",
            Code::FrontmatterNotKeyValue => "frontmatter-not-key-value",
            Code::FrontmatterDuplicateKey => "frontmatter-duplicate-key",
            Code::FieldUndecodable => "field-undecodable",
            Code::TimestampInvalid => "timestamp-invalid",
            Code::FieldInvalid => "field-invalid",
            Code::ShellMisread => "shell-misread",
            Code::UpdatedBeforeCreated => "updated-before-created",
            Code::UpdatedBeforeEvent => "updated-before-event",
            Code::ClosedWithoutResolution => "closed-without-resolution",
            Code::ResolutionNotClosed => "resolution-not-closed",
            Code::ArtifactsEmpty => "artifacts-empty",
            Code::ThreadEmpty => "thread-empty",
            Code::ThreadPreamble => "thread-preamble",
            Code::ThreadCutTail => "thread-cut-tail",
            Code::EventHeaderMalformed => "event-header-malformed",
            Code::EventTimeInvalid => "event-time-invalid",
            Code::EventRefsInvalid => "event-refs-invalid",
            Code::ReviewWithoutVerdict => "review-without-verdict",
            Code::FixFailed => "fix-failed",
        }
    }

    /// Errors fail a run; warnings never do.
    pub fn severity(self) -> Severity {
        match self {
            Code::FrontmatterNotKeyValue
            | Code::FrontmatterDuplicateKey
            | Code::ShellMisread
            | Code::UpdatedBeforeCreated
            | Code::UpdatedBeforeEvent
            | Code::ClosedWithoutResolution
            | Code::ResolutionNotClosed
            | Code::ArtifactsEmpty
            | Code::ThreadEmpty
            | Code::ThreadPreamble
            | Code::ThreadCutTail
            | Code::ReviewWithoutVerdict
            | Code::LeftoverTemp
            | Code::FixFailed => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// Whether `Options::fix` repairs it.
    pub fn fixable(self) -> bool {
        matches!(
            self,
            Code::MissingArtifacts | Code::ArtifactsEmpty | Code::LeftoverTemp
        )
    }

    /// Whether it mirrors a `tickets.sh doctor` check (message text identical to the shell's).
    pub fn is_shell(self) -> bool {
        self <= Code::DuplicateSlug
    }

    /// What to do about it, when the rule has nothing more specific to say.
    pub fn hint(self) -> &'static str {
        match self {
            Code::MissingDirectory => "create it (`mkdir -p`); writers create it on first write",
            Code::MissingItem => {
                "restore item.md from git, or remove the directory if it is not a ticket"
            }
            Code::MissingThread => {
                "restore thread.md from git, or write a `create` event (see docs/format.md)"
            }
            Code::MissingArtifacts => {
                "create artifacts/ with an empty .gitkeep (`ticket doctor --fix` does)"
            }
            Code::MissingFrontmatterOpener => {
                "make line 1 exactly `---` (no spaces, no CRLF) and close the frontmatter with `---`"
            }
            Code::MissingRequiredField => {
                "add the key with a non-empty value, one `key: value` line, unquoted"
            }
            Code::DirectoryIdMismatch => {
                "rename the directory to the id, or fix `id:` (they must be equal)"
            }
            Code::StatusMismatch => {
                "move the directory to the status it says, or fix `status:` (`ticket status <id> <status>`)"
            }
            Code::DuplicateId => "give one of the tickets a new id (and rename its directory)",
            Code::DuplicateSlug => "change the slug of one of them so lookups are unambiguous",
            Code::SymlinkOutsideRoot => {
                "replace the link with the file or directory itself; writers refuse to follow it"
            }
            Code::LeftoverTemp => {
                "a crashed write left it; remove it when no writer runs (`ticket doctor --fix` does)"
            }
            Code::SameIdInTwoStatuses => {
                "a merge kept two status moves: compare both copies, keep one, remove the other"
            }
            Code::Unreadable => "check the file's permissions and size",
            Code::NotUtf8 => "re-save the file as UTF-8",
            Code::ConflictMarker => "resolve the git merge conflict, then remove the markers",
            Code::FrontmatterUnclosed => "add a line `---` after the last `key: value` line",
            Code::FrontmatterNotKeyValue => {
                "write it as `key: value`, or move it below the closing `---`"
            }
            Code::FrontmatterDuplicateKey => {
                "remove the later line; readers use the first occurrence"
            }
            Code::FieldUndecodable => {
                "close the quote, or write the value unquoted (see docs/format.md)"
            }
            Code::TimestampInvalid => "write it like 2026-05-27T00:00:01Z",
            Code::FieldInvalid => "fix the value; `ticket show` refuses the ticket until then",
            Code::ShellMisread => {
                "write it as one unquoted `key: value` line with LF endings, labels as `[a, b]`"
            }
            Code::UpdatedBeforeCreated | Code::UpdatedBeforeEvent => {
                "set updated_at to the newest event's time (any `ticket` write does)"
            }
            Code::ClosedWithoutResolution => {
                "add resolution.md, or run `ticket close` again with a resolution"
            }
            Code::ResolutionNotClosed => {
                "nothing to do when the ticket was reopened (it is kept as history); else remove it"
            }
            Code::ArtifactsEmpty => {
                "add an empty artifacts/.gitkeep so git keeps the directory (`ticket doctor --fix` does)"
            }
            Code::ThreadEmpty => {
                "write a `create` event (see docs/format.md), or restore it from git"
            }
            Code::ThreadPreamble => "move the text into an event, or remove it; readers ignore it",
            Code::ThreadCutTail => {
                "if the file was cut short (a copy or an editor that died), restore it from git; if the event is whole, end it with a `---` line"
            }
            Code::EventHeaderMalformed => {
                "write it as `<!-- event: KIND author: AUTHOR at: TIME -->`, or quote it as `\\<!-- event:`"
            }
            Code::EventTimeInvalid => "write `at:` like 2026-05-27T00:00:01Z",
            Code::EventRefsInvalid => {
                "write refs as `kind=value,kind=value`, values percent-encoded"
            }
            Code::ReviewWithoutVerdict => {
                "add ` status: approve` or ` status: request_changes` before ` -->`"
            }
            Code::FixFailed => "repair it by hand, or run `ticket doctor --fix` again",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
