//! Ushabti as a [`Tracker`]: one YAML file a ticket, archived ones under [`ARCHIVED`].

use ticket_domain::{Ticket, TicketSummary, Timestamp};
use ticket_format::foreign::{
    ExportedFile, Exporter, ForeignDir, Imported, Tracker, Unread, import_files,
};

use crate::{ARCHIVED, TRACKER, Writer, kept_number, read};

/// Ushabti's `.ushabti/tickets/TNNNN-slug.yaml`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ushabti;

impl Tracker for Ushabti {
    fn name(&self) -> &'static str {
        TRACKER
    }

    fn tickets_dir(&self) -> &'static str {
        ".ushabti/tickets"
    }

    fn read(&self, dir: &dyn ForeignDir, unknown: Timestamp) -> Vec<Result<Imported, Unread>> {
        import_files(dir, &["", ARCHIVED], ".yaml", |files| read(files, unknown))
    }

    fn exporter<'a>(
        &self,
        dir: &'a dyn ForeignDir,
        exporting: &[TicketSummary],
    ) -> Box<dyn Exporter + 'a> {
        let existing = dir.names(&["", ARCHIVED]);
        Box::new(Writer::new(
            &existing,
            exporting.iter().filter_map(kept_number),
        ))
    }
}

/// Ushabti's writer is an exporter as it is: it needs nothing of the directory once made.
impl Exporter for Writer {
    fn export(
        &mut self,
        t: &Ticket,
        _artifact: &dyn Fn(&str) -> Result<Vec<u8>, String>,
    ) -> Result<Vec<ExportedFile>, String> {
        self.write(t).map(|f| vec![f]).map_err(|e| e.to_string())
    }
}
