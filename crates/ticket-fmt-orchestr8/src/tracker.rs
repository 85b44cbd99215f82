//! Orchestr8 as a [`Tracker`]: one JSON file a ticket, archived ones under [`ARCHIVE`].

use ticket_domain::{Ticket, TicketSummary, Timestamp};
use ticket_format::foreign::{
    ExportedFile, Exporter, ForeignDir, Imported, Tracker, Unread, import_files,
};

use crate::{ARCHIVE, TRACKER, Writer, read};

/// Orchestr8's `.orchestr8/tickets/*.json`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Orchestr8;

impl Tracker for Orchestr8 {
    fn name(&self) -> &'static str {
        TRACKER
    }

    fn tickets_dir(&self) -> &'static str {
        ".orchestr8/tickets"
    }

    fn read(&self, dir: &dyn ForeignDir, unknown: Timestamp) -> Vec<Result<Imported, Unread>> {
        import_files(dir, &["", ARCHIVE], ".json", |files| read(files, unknown))
    }

    fn exporter<'a>(
        &self,
        dir: &'a dyn ForeignDir,
        _exporting: &[TicketSummary],
    ) -> Box<dyn Exporter + 'a> {
        Box::new(Export {
            dir,
            writer: Writer::default(),
        })
    }
}

struct Export<'a> {
    dir: &'a dyn ForeignDir,
    writer: Writer,
}

impl Exporter for Export<'_> {
    fn export(
        &mut self,
        t: &Ticket,
        _artifact: &dyn Fn(&str) -> Result<Vec<u8>, String>,
    ) -> Result<Vec<ExportedFile>, String> {
        let dir = self.dir;
        self.writer
            .write(t, &|rel| dir.taken(rel))
            .map(|f| vec![f])
            .map_err(|e| e.to_string())
    }
}
