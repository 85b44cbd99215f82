//! Documents handed to tantivy's writer threads with a bound on the text waiting for them.
//!
//! `IndexWriter::add_document` queues up to 10,000 documents for its threads. Tickets are read
//! faster than they are indexed, so the queue fills: at 100,000 tickets that was 250 MB of
//! documents waiting, most of a build's peak memory. A [`Feed`] counts the bytes of every
//! document it sends until the writer's thread drops it (once indexed), and makes the sender
//! wait while more than its bound is queued.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use tantivy::schema::{Document, TantivyDocument};
use tantivy::{IndexWriter, Opstamp};

/// How long the sender waits for room before it sends anyway. A writer whose threads died
/// frees no room; the send then answers with its error instead of waiting forever. A live
/// writer frees room long before (a ticket is indexed in well under a millisecond).
const WAIT_AT_MOST: Duration = Duration::from_secs(1);

/// A document on its way to the writer's threads, counted until it is dropped.
pub(crate) struct Fed {
    doc: TantivyDocument,
    _held: Held,
}

impl Document for Fed {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }

    fn into_tantivy_document(self) -> TantivyDocument {
        self.doc
    }
}

/// Bytes queued, and a signal when some leave.
#[derive(Default)]
struct Gate {
    queued: Mutex<usize>,
    room: Condvar,
}

/// One document's bytes, given back when it is dropped.
struct Held {
    gate: Arc<Gate>,
    bytes: usize,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut queued = self
            .gate
            .queued
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *queued = queued.saturating_sub(self.bytes);
        self.gate.room.notify_all();
    }
}

/// Sends documents to a writer, at most `bound` bytes of them queued at a time (one more when
/// a single document is larger).
pub(crate) struct Feed {
    gate: Arc<Gate>,
    bound: usize,
}

impl Feed {
    pub(crate) fn new(bound: usize) -> Feed {
        Feed {
            gate: Arc::default(),
            bound,
        }
    }

    /// Adds `doc`, of about `bytes` bytes, once there is room for it.
    pub(crate) fn add(
        &self,
        writer: &IndexWriter<Fed>,
        doc: TantivyDocument,
        bytes: usize,
    ) -> tantivy::Result<Opstamp> {
        {
            let mut queued = self
                .gate
                .queued
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            while *queued > 0 && *queued + bytes > self.bound {
                let (q, waited) = self
                    .gate
                    .room
                    .wait_timeout(queued, WAIT_AT_MOST)
                    .unwrap_or_else(PoisonError::into_inner);
                queued = q;
                if waited.timed_out() {
                    break;
                }
            }
            *queued += bytes;
        }
        writer.add_document(Fed {
            doc,
            _held: Held {
                gate: Arc::clone(&self.gate),
                bytes,
            },
        })
    }

    /// Bytes queued now.
    #[cfg(test)]
    fn queued(&self) -> usize {
        *self
            .gate
            .queued
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analysis, schema};
    use tantivy::Index;

    fn writer(analyzed: bool) -> tantivy::Result<(Index, schema::Fields, IndexWriter<Fed>)> {
        let index = Index::create_in_ram(schema::schema());
        if analyzed {
            index
                .tokenizers()
                .register(analysis::ANALYZER, analysis::analyzer());
        }
        let fields = schema::Fields::of(&index.schema())?;
        let writer = index.writer_with_num_threads(1, 15_000_000)?;
        Ok((index, fields, writer))
    }

    fn doc(fields: &schema::Fields, i: u64) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_u64(fields.key_hash, i);
        doc
    }

    #[test]
    fn every_document_is_given_back() -> tantivy::Result<()> {
        let (index, fields, mut writer) = writer(true)?;
        let feed = Feed::new(1_000);
        for i in 0..50u64 {
            feed.add(&writer, doc(&fields, i), 300)?;
            assert!(feed.queued() <= 1_000, "{} queued", feed.queued());
        }
        writer.commit()?;
        assert_eq!(feed.queued(), 0);
        assert_eq!(index.reader()?.searcher().num_docs(), 50);
        Ok(())
    }

    #[test]
    fn a_dead_writer_is_an_error_not_a_wait() -> tantivy::Result<()> {
        // Without its analyzer, the writer's thread fails on the first document.
        let (_index, fields, writer) = writer(false)?;
        let feed = Feed::new(1_000);
        let failed = (0..50u64).find_map(|i| feed.add(&writer, doc(&fields, i), 300).err());
        assert!(failed.is_some());
        Ok(())
    }
}
