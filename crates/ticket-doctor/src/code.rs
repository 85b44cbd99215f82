//! The stable diagnostic codes, from one table: a row per code with its published name, its
//! severity, whether it mirrors a `tickets.sh doctor` check, whether `fix` repairs it, and what to
//! do about it.
//!
//! A code never changes meaning once published; scripts match on it. docs/doctor.md lists them,
//! in the table's order. Hints name no command or flag: the doctor does not know how it is run.
//! A front end adds its own way to do it (ticket-cli appends `ticket doctor --fix` and the like).

use ticket_domain::Severity;
use ticket_domain::Severity::{Error, Warning};

/// What the table says about one code.
struct Row {
    name: &'static str,
    severity: Severity,
    shell: bool,
    fixable: bool,
    hint: &'static str,
}

/// Declares [`Code`], [`Code::ALL`] and the table from one list of rows, so they cannot drift
/// apart: row `i` describes the code whose discriminant is `i`.
macro_rules! codes {
    ($($code:ident => $name:literal, $severity:ident, shell: $shell:literal, fix: $fix:literal,
        $hint:literal;)*) => {
        /// Every rule the doctor knows. The first ten mirror `tickets.sh doctor` one to one.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($code,)*
        }

        const COUNT: usize = [$(stringify!($code)),*].len();

        impl Code {
            /// Every code, in the order docs/doctor.md lists them.
            pub const ALL: [Code; COUNT] = [$(Code::$code),*];
        }

        static TABLE: [Row; COUNT] = [$(Row {
            name: $name,
            severity: $severity,
            shell: $shell,
            fixable: $fix,
            hint: $hint,
        }),*];
    };
}

codes! {
    // The shell's checks, in the shell's order.
    MissingDirectory => "missing-directory", Warning, shell: true, fix: true,
        "git keeps no empty directory: create it with an empty .gitkeep; writers create it on first write";
    MissingItem => "missing-item", Error, shell: true, fix: false,
        "restore item.md from git, or remove the directory if it is not a ticket";
    MissingThread => "missing-thread", Error, shell: true, fix: false,
        "restore thread.md from git, or write a `create` event (see docs/format.md)";
    MissingArtifacts => "missing-artifacts", Error, shell: true, fix: true,
        "create artifacts/ with an empty .gitkeep";
    MissingFrontmatterOpener => "missing-frontmatter-opener", Error, shell: true, fix: false,
        "make line 1 exactly `---` (no spaces, no CRLF) and close the frontmatter with `---`";
    MissingRequiredField => "missing-required-field", Error, shell: true, fix: false,
        "add the key with a non-empty value, one `key: value` line, unquoted";
    DirectoryIdMismatch => "directory-id-mismatch", Error, shell: true, fix: false,
        "rename the directory to the id, or fix `id:` (they must be equal)";
    StatusMismatch => "status-mismatch", Error, shell: true, fix: false,
        "move the directory to the status it says, or fix `status:`";
    DuplicateId => "duplicate-id", Error, shell: true, fix: false,
        "give one of the tickets a new id (and rename its directory)";
    DuplicateSlug => "duplicate-slug", Error, shell: true, fix: false,
        "change the slug of one of them so lookups are unambiguous";
    // Ours.
    SymlinkOutsideRoot => "symlink-outside-root", Error, shell: false, fix: false,
        "replace the link with the file or directory itself; writers refuse to follow it";
    LeftoverTemp => "leftover-temp", Warning, shell: false, fix: true,
        "a crashed write left it; remove it when no writer runs";
    SameIdInTwoStatuses => "same-id-in-two-statuses", Error, shell: false, fix: true,
        "a merge kept two status moves: the repair merges both copies into one, in the status its thread says last";
    MergeDriverMissing => "merge-driver-missing", Warning, shell: false, fix: false,
        "the root's .gitattributes routes thread.md and item.md to merge drivers this clone's git config does not define: configure them, or git merges of tickets leave conflict markers";
    ThreadTwoCreates => "thread-two-creates", Error, shell: false, fix: false,
        "two tickets created with one id on two clones were merged into one thread: split the events of the second `create` into a ticket of their own";
    Unreadable => "unreadable", Error, shell: false, fix: false,
        "check the file's permissions and size";
    NotUtf8 => "not-utf8", Error, shell: false, fix: false,
        "re-save the file as UTF-8";
    ConflictMarker => "conflict-marker", Error, shell: false, fix: false,
        "resolve the git merge conflict, then remove the markers";
    FrontmatterUnclosed => "frontmatter-unclosed", Error, shell: false, fix: false,
        "add a line `---` after the last `key: value` line";
    FrontmatterNotKeyValue => "frontmatter-not-key-value", Warning, shell: false, fix: false,
        "write it as `key: value`, or move it below the closing `---`";
    FrontmatterDuplicateKey => "frontmatter-duplicate-key", Warning, shell: false, fix: false,
        "remove the later line; readers use the first occurrence";
    FieldUndecodable => "field-undecodable", Error, shell: false, fix: false,
        "close the quote, or write the value unquoted (see docs/format.md)";
    TimestampInvalid => "timestamp-invalid", Error, shell: false, fix: false,
        "write it like 2026-05-27T00:00:01Z";
    FieldInvalid => "field-invalid", Error, shell: false, fix: false,
        "fix the value";
    ShellMisread => "shell-misread", Warning, shell: false, fix: false,
        "write it as one unquoted `key: value` line with LF endings, labels as `[a, b]`";
    UpdatedBeforeCreated => "updated-before-created", Warning, shell: false, fix: false,
        "set updated_at to the newest event's time";
    UpdatedBeforeEvent => "updated-before-event", Warning, shell: false, fix: false,
        "set updated_at to the newest event's time";
    ClosedWithoutResolution => "closed-without-resolution", Warning, shell: false, fix: false,
        "add resolution.md";
    ResolutionNotClosed => "resolution-not-closed", Warning, shell: false, fix: false,
        "nothing to do when the ticket was reopened (it is kept as history); else remove it";
    ArtifactsEmpty => "artifacts-empty", Warning, shell: false, fix: true,
        "add an empty artifacts/.gitkeep so git keeps the directory";
    ThreadEmpty => "thread-empty", Warning, shell: false, fix: false,
        "write a `create` event (see docs/format.md), or restore it from git";
    ThreadPreamble => "thread-preamble", Warning, shell: false, fix: false,
        "move the text into an event, or remove it; readers ignore it";
    ThreadCutTail => "thread-cut-tail", Warning, shell: false, fix: false,
        "if the file was cut short (a copy or an editor that died), restore it from git; if the event is whole, end it with a `---` line";
    EventHeaderMalformed => "event-header-malformed", Error, shell: false, fix: false,
        "write it as `<!-- event: KIND author: AUTHOR at: TIME -->`, or quote it as `\\<!-- event:`";
    EventTimeInvalid => "event-time-invalid", Error, shell: false, fix: false,
        "write `at:` like 2026-05-27T00:00:01Z";
    EventRefsInvalid => "event-refs-invalid", Error, shell: false, fix: false,
        "write refs as `kind=value,kind=value`, values percent-encoded";
    ReviewWithoutVerdict => "review-without-verdict", Warning, shell: false, fix: false,
        "add ` status: approve` or ` status: request_changes` before ` -->`";
    RelationDangling => "relation-dangling", Warning, shell: false, fix: false,
        "correct the id, or remove it from the list; until then a depends_on or parent naming it blocks";
    RelationSelf => "relation-self", Error, shell: false, fix: false,
        "remove the ticket's own id from the list";
    RelationCycle => "relation-cycle", Error, shell: false, fix: false,
        "remove one depends_on or parent link of the cycle; until then none of its tickets is ready";
    RelationInverseStored => "relation-inverse-stored", Warning, shell: false, fix: false,
        "inverse kinds are derived and readers ignore this key: store the edge on the other ticket instead, then remove the key";
    RelationDuplicate => "relation-duplicate", Warning, shell: false, fix: false,
        "remove the repeated id; readers count it once";
    FixFailed => "fix-failed", Warning, shell: false, fix: false,
        "repair it by hand";
}

impl Code {
    fn row(self) -> &'static Row {
        &TABLE[self as usize]
    }

    /// The kebab-case name scripts match on.
    pub fn as_str(self) -> &'static str {
        self.row().name
    }

    /// The code named `name` (the inverse of [`Code::as_str`]).
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Errors fail a run; warnings never do.
    pub fn severity(self) -> Severity {
        self.row().severity
    }

    /// Whether `Options::fix` repairs it.
    pub fn fixable(self) -> bool {
        self.row().fixable
    }

    /// Whether it mirrors a `tickets.sh doctor` check (message text identical to the shell's).
    pub fn is_shell(self) -> bool {
        self.row().shell
    }

    /// What to do about it, when the rule has nothing more specific to say.
    pub fn hint(self) -> &'static str {
        self.row().hint
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published names and severities, in the published order (docs/doctor.md): they never
    /// change. (One severity did, on purpose: a missing status directory is what a plain git
    /// clone of an older root shows, since git keeps no empty directory; it became a warning
    /// that the fix repairs, issue 17.)
    const PUBLISHED: [(&str, Severity); 43] = [
        ("missing-directory", Warning),
        ("missing-item", Error),
        ("missing-thread", Error),
        ("missing-artifacts", Error),
        ("missing-frontmatter-opener", Error),
        ("missing-required-field", Error),
        ("directory-id-mismatch", Error),
        ("status-mismatch", Error),
        ("duplicate-id", Error),
        ("duplicate-slug", Error),
        ("symlink-outside-root", Error),
        ("leftover-temp", Warning),
        ("same-id-in-two-statuses", Error),
        ("merge-driver-missing", Warning),
        ("thread-two-creates", Error),
        ("unreadable", Error),
        ("not-utf8", Error),
        ("conflict-marker", Error),
        ("frontmatter-unclosed", Error),
        ("frontmatter-not-key-value", Warning),
        ("frontmatter-duplicate-key", Warning),
        ("field-undecodable", Error),
        ("timestamp-invalid", Error),
        ("field-invalid", Error),
        ("shell-misread", Warning),
        ("updated-before-created", Warning),
        ("updated-before-event", Warning),
        ("closed-without-resolution", Warning),
        ("resolution-not-closed", Warning),
        ("artifacts-empty", Warning),
        ("thread-empty", Warning),
        ("thread-preamble", Warning),
        ("thread-cut-tail", Warning),
        ("event-header-malformed", Error),
        ("event-time-invalid", Error),
        ("event-refs-invalid", Error),
        ("review-without-verdict", Warning),
        ("relation-dangling", Warning),
        ("relation-self", Error),
        ("relation-cycle", Error),
        ("relation-inverse-stored", Warning),
        ("relation-duplicate", Warning),
        ("fix-failed", Warning),
    ];

    #[test]
    fn row_i_is_code_i_and_the_published_names_stay() {
        assert_eq!(Code::ALL.len(), PUBLISHED.len());
        for (i, (code, (name, severity))) in Code::ALL.iter().zip(PUBLISHED).enumerate() {
            assert_eq!(*code as usize, i, "{code:?}");
            assert_eq!(code.as_str(), name);
            assert_eq!(code.severity(), severity, "{name}");
            assert_eq!(Code::from_name(name), Some(*code));
            assert!(!code.hint().is_empty(), "{name}");
        }
        assert_eq!(Code::from_name("no-such-code"), None);
    }

    #[test]
    fn hints_name_no_command_and_no_flag() {
        for code in Code::ALL {
            let hint = code.hint();
            let flag = hint
                .as_bytes()
                .windows(3)
                .any(|w| w[..2] == *b"--" && w[2].is_ascii_lowercase());
            assert!(!hint.contains("`ticket") && !flag, "{code}: {hint}");
        }
    }

    #[test]
    fn the_shell_mirrors_come_first_and_five_are_fixable() {
        let shell = Code::ALL.iter().take_while(|c| c.is_shell()).count();
        assert_eq!(shell, 10);
        assert!(Code::ALL[shell..].iter().all(|c| !c.is_shell()));
        assert_eq!(Code::ALL[shell - 1], Code::DuplicateSlug);
        let fixable: Vec<Code> = Code::ALL.into_iter().filter(|c| c.fixable()).collect();
        assert_eq!(
            fixable,
            [
                Code::MissingDirectory,
                Code::MissingArtifacts,
                Code::LeftoverTemp,
                Code::SameIdInTwoStatuses,
                Code::ArtifactsEmpty
            ]
        );
    }
}
