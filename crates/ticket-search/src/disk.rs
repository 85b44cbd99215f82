//! The index on disk, kept fresh before every query.
//!
//! Layout of its directory: `lock` (a `flock` held shared by every search while it reads, and
//! exclusively by the one that changes or rebuilds the index) and `v1/` (the tantivy index; the
//! name changes with the schema, so an index of another version is simply rebuilt).
//!
//! Every document keeps its ticket's key hash, the stamp of its files and a hash of its content.
//! Before a query, the caller's [`Listing`] (stamps taken by `stat`, no file read) is compared
//! with them. Tickets whose stamp differs, or that appeared, are read and their content hash
//! compared; documents of tickets that changed or vanished are left out of the search, and the
//! changed tickets are searched from an overlay index in memory beside it, with statistics over
//! both as if they were one. Nothing is written for a few changes: a search after a comment
//! reads one ticket and writes nothing. When more than [`FOLD_AT`] tickets are to check, they
//! are folded into the index on disk (one commit) under the exclusive lock.
//!
//! A stamp taken within moments of a change is not kept (`doc::kept_stamp`), so a second change
//! within the same timestamp tick is still seen.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tantivy::directory::RamDirectory;
use tantivy::indexer::LogMergePolicy;
use tantivy::tokenizer::TokenizerManager;
use tantivy::{DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, Term};

use crate::analysis;
use crate::doc::{Listing, Loaded, Loader, TicketDoc, kept_stamp, key_hash};
use crate::engine::View;
use crate::feed::{Fed, Feed};
use crate::guard;
use crate::schema::{self, Fields};
use crate::{
    BUILD_BUDGET_PER_THREAD, BUILD_QUEUE, BUILD_THREADS, Found, How, LOAD_BATCH, Request,
    SMALL_BUDGET, SearchError, Unreadable, answer, scan_because,
};

/// The tantivy index's directory inside the search directory; bumped with the schema.
const INDEX_DIR: &str = "v1";
/// The lock file inside the search directory.
const LOCK_FILE: &str = "lock";
/// Up to this many tickets to check (changed, appeared, vanished) are searched from an overlay;
/// more are folded into the index on disk.
pub const FOLD_AT: usize = 32;
/// The overlay writer's memory to start with (it grows as needed).
const OVERLAY_BUDGET: usize = 1_000_000;
/// Reading more tickets than this under the shared lock is left to the exclusive one.
const CHECK_BEFORE_LOCKING: usize = 256;
/// How the reasons start when the index cannot be used at all (not damage: no rebuild helps).
const UNUSABLE: &str = "unusable: ";

/// Why the index could not answer.
struct Damage(String);

/// The search index kept in a directory of its own.
#[derive(Clone, Debug)]
pub struct SearchIndex {
    dir: PathBuf,
    lock_wait: Duration,
}

/// What an index holds for one key.
#[derive(Clone, Copy, Debug)]
struct Entry {
    stamp: u64,
    content: u64,
    /// Documents with this key (more than one only after a failure; they are all replaced).
    count: u32,
    /// Where the (first) document is: segment ordinal and document id.
    segment: u32,
    doc: DocId,
}

/// An opened index.
struct Opened {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

/// The index's state for a query, with the lock that keeps it so while it is read: the index
/// on disk less the documents `excluded`, and the overlay of tickets read from their files.
struct Fresh {
    _lock: File,
    searcher: Searcher,
    excluded: HashMap<u32, HashSet<DocId>>,
    overlay: Option<Searcher>,
    /// The overlay's tickets, by key (their hits need no second read).
    docs: HashMap<String, TicketDoc>,
    fields: Fields,
    unreadable: Vec<Unreadable>,
    how: How,
}

/// What a freshness check found: tickets to write, to delete, and those that do not read.
#[derive(Default)]
struct Plan {
    delete: Vec<u64>,
    add: Vec<(TicketDoc, u64)>,
    /// Keys to check that were not read yet (read in batches when the plan is carried out).
    unread: Vec<usize>,
    unreadable: Vec<(usize, Unreadable)>,
}

impl Plan {
    fn writes(&self) -> bool {
        !self.delete.is_empty() || !self.add.is_empty() || !self.unread.is_empty()
    }
}

impl SearchIndex {
    /// The index kept in `dir` (created when needed; nothing else may live there).
    pub fn new(dir: impl Into<PathBuf>) -> SearchIndex {
        SearchIndex {
            dir: dir.into(),
            lock_wait: Duration::from_secs(10),
        }
    }

    /// How long a search waits for another process changing the index before it scans instead.
    pub fn with_lock_wait(mut self, wait: Duration) -> SearchIndex {
        self.lock_wait = wait;
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Answers `request` from the index, after folding in every change `listing` shows. When
    /// the index cannot be used (the directory cannot be written, another process holds it too
    /// long), the answer comes from [`scan`](crate::scan), which gives the same hits.
    pub fn search(
        &self,
        listing: &Listing,
        loader: &dyn Loader,
        request: &Request,
    ) -> Result<Found, SearchError> {
        let answered = guard::quietly(|| {
            let fresh = self.fresh(listing, loader)?;
            let mut searchers = vec![&fresh.searcher];
            searchers.extend(fresh.overlay.as_ref());
            let view = View::new(&searchers, &fresh.excluded);
            match answer(&view, &fresh.fields, request, loader, fresh.docs.clone()) {
                Ok(hits) => Ok(Found {
                    hits,
                    unreadable: fresh.unreadable,
                    how: fresh.how,
                }),
                Err(e) => Err(Damage(format!("the index could not be read ({e})"))),
            }
        });
        let why = match answered {
            Ok(Ok(found)) => return Ok(found),
            Ok(Err(Damage(why))) if why.starts_with(UNUSABLE) => why,
            Ok(Err(Damage(why))) => {
                // Something in the index does not read: the next search builds it anew.
                self.discard();
                format!("{why}; it will be rebuilt")
            }
            Err(panic) => {
                self.discard();
                format!("the index is damaged ({panic}); it will be rebuilt")
            }
        };
        scan_because(listing, loader, request, Some(why))
    }

    /// Brings the index up to date with `listing` without answering a query (what a writer may
    /// call after a change, or a tool before timing searches). Returns how it went.
    pub fn refresh(&self, listing: &Listing, loader: &dyn Loader) -> Result<How, String> {
        match guard::quietly(|| self.fresh(listing, loader).map(|f| f.how)) {
            Ok(Ok(how)) => Ok(how),
            Ok(Err(Damage(why))) => Err(why),
            Err(panic) => {
                self.discard();
                Err(format!(
                    "the index is damaged ({panic}); it will be rebuilt"
                ))
            }
        }
    }

    /// Removes the index (under the exclusive lock), so that the next search builds it anew.
    pub fn discard(&self) {
        if let Ok(lock) = self.lock_file()
            && wait_lock(&lock, true, self.lock_wait).is_ok()
        {
            let _ = remove_index(&self.index_dir());
        }
    }

    fn index_dir(&self) -> PathBuf {
        self.dir.join(INDEX_DIR)
    }

    /// The lock file, with the search directory created if needed (never through a link).
    fn lock_file(&self) -> Result<File, String> {
        match fs::symlink_metadata(&self.dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(format!(
                    "{} is not a directory; the index is not used",
                    self.dir.display()
                ));
            }
            Err(_) => fs::create_dir_all(&self.dir)
                .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?,
        }
        let path = self.dir.join(LOCK_FILE);
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))
    }

    fn open(&self) -> tantivy::Result<Opened> {
        let index = Index::open_in_dir(self.index_dir())?;
        if index.schema() != schema::schema() {
            return Err(tantivy::TantivyError::SchemaError(
                "the index was written with another schema".into(),
            ));
        }
        opened(index)
    }

    /// The index and what it holds; an error (a panic included) when it does not read.
    fn open_with_state(&self) -> Result<(Opened, HashMap<u64, Entry>), String> {
        guard::quietly(|| {
            let open = self.open()?;
            let state = read_state(&open)?;
            Ok::<_, tantivy::TantivyError>((open, state))
        })?
        .map_err(|e| e.to_string())
    }

    fn fresh(&self, listing: &Listing, loader: &dyn Loader) -> Result<Fresh, Damage> {
        let unusable = |why: String| Damage(format!("{UNUSABLE}{why}"));
        let lock = self.lock_file().map_err(unusable)?;
        wait_lock(&lock, false, self.lock_wait).map_err(unusable)?;
        let mut loaded: HashMap<usize, Loaded> = HashMap::new();
        if let Ok((open, state)) = self.open_with_state() {
            let (check, vanished) = to_check(listing, &state);
            let duplicates = state.values().any(|e| e.count > 1);
            if check.len() + vanished.len() <= FOLD_AT && !duplicates {
                let overlay = overlay(listing, &state, loader, &check, &vanished)
                    .map_err(|e| Damage(format!("cannot search the changed tickets: {e}")))?;
                return Ok(Fresh {
                    _lock: lock,
                    searcher: open.reader.searcher(),
                    excluded: overlay.excluded,
                    how: How::Index {
                        built: false,
                        added: 0,
                        removed: 0,
                        overlaid: overlay.docs.len(),
                    },
                    overlay: overlay.searcher,
                    docs: overlay.docs,
                    fields: open.fields,
                    unreadable: unreadable_in_order(overlay.unreadable),
                });
            }
            let plan = plan(listing, &state, loader, &mut loaded, CHECK_BEFORE_LOCKING);
            if !plan.writes() {
                // Stamps moved, contents did not (files touched, or saved unchanged).
                return Ok(Fresh {
                    _lock: lock,
                    searcher: open.reader.searcher(),
                    excluded: HashMap::new(),
                    overlay: None,
                    docs: HashMap::new(),
                    fields: open.fields,
                    unreadable: unreadable_in_order(plan.unreadable),
                    how: How::Index {
                        built: false,
                        added: 0,
                        removed: 0,
                        overlaid: 0,
                    },
                });
            }
        }
        // Many changes, or no usable index: fold them in, one process at a time, no reader
        // meanwhile.
        let _ = lock.unlock();
        wait_lock(&lock, true, self.lock_wait).map_err(unusable)?;
        let (open, state, built) = match self.open_with_state() {
            Ok((open, state)) => (open, state, false),
            Err(_) => {
                let open = self.create().map_err(|e| {
                    unusable(format!(
                        "cannot create the index in {}: {e}",
                        self.dir.display()
                    ))
                })?;
                (open, HashMap::new(), true)
            }
        };
        let plan = plan(listing, &state, loader, &mut loaded, CHECK_BEFORE_LOCKING);
        let (added, removed, unreadable) = apply(&open, listing, loader, plan, &mut loaded)
            .map_err(|e| {
                Damage(format!(
                    "cannot update the index in {}: {e}",
                    self.dir.display()
                ))
            })?;
        open.reader
            .reload()
            .map_err(|e| Damage(format!("cannot reload the index: {e}")))?;
        Ok(Fresh {
            _lock: lock,
            searcher: open.reader.searcher(),
            excluded: HashMap::new(),
            overlay: None,
            docs: HashMap::new(),
            fields: open.fields,
            unreadable,
            how: How::Index {
                built,
                added,
                removed,
                overlaid: 0,
            },
        })
    }

    /// A new, empty index in place of whatever was there. Called under the exclusive lock.
    fn create(&self) -> tantivy::Result<Opened> {
        let dir = self.index_dir();
        remove_index(&dir)?;
        fs::create_dir(&dir)?;
        let index = Index::create_in_dir(&dir, schema::schema())?;
        opened(index)
    }
}

fn remove_index(dir: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(dir),
        Ok(_) => fs::remove_file(dir),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn opened(index: Index) -> tantivy::Result<Opened> {
    index
        .tokenizers()
        .register(analysis::ANALYZER, analysis::analyzer());
    let fields = Fields::of(&index.schema())?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(Opened {
        index,
        reader,
        fields,
    })
}

/// Takes the lock on `file` (exclusive or shared), waiting at most `wait`.
fn wait_lock(file: &File, exclusive: bool, wait: Duration) -> Result<(), String> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        let tried = if exclusive {
            file.try_lock()
        } else {
            file.try_lock_shared()
        };
        match tried {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) if started.elapsed() < wait => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(format!(
                    "another process held the index for more than {:.1} s",
                    wait.as_secs_f64()
                ));
            }
            Err(TryLockError::Error(e)) => return Err(format!("cannot lock the index: {e}")),
        }
    }
}

/// What the index holds, by key hash: every live document's stamp, content hash and place.
fn read_state(open: &Opened) -> tantivy::Result<HashMap<u64, Entry>> {
    let searcher = open.reader.searcher();
    let mut state: HashMap<u64, Entry> = HashMap::with_capacity(searcher.num_docs() as usize);
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let ff = reader.fast_fields();
        let (keys, stamps, contents) = (ff.u64("key_hash")?, ff.u64("stamp")?, ff.u64("content")?);
        for doc in reader.doc_ids_alive() {
            let (Some(k), Some(s), Some(c)) =
                (keys.first(doc), stamps.first(doc), contents.first(doc))
            else {
                continue;
            };
            state
                .entry(k)
                .and_modify(|e| e.count += 1)
                .or_insert(Entry {
                    stamp: s,
                    content: c,
                    count: 1,
                    segment: segment as u32,
                    doc,
                });
        }
    }
    Ok(state)
}

/// The tickets of `listing` to check (new, or with another stamp than the one kept), by index,
/// and the key hashes the index holds that `listing` no longer has.
fn to_check(listing: &Listing, state: &HashMap<u64, Entry>) -> (Vec<usize>, Vec<u64>) {
    let mut listed: HashSet<u64> = HashSet::with_capacity(listing.tickets.len());
    let mut check = Vec::new();
    for (i, t) in listing.tickets.iter().enumerate() {
        let k = key_hash(&t.key);
        listed.insert(k);
        match state.get(&k) {
            Some(e) if e.count == 1 && e.stamp != 0 && e.stamp == t.stamp => {}
            _ => check.push(i),
        }
    }
    let mut vanished: Vec<u64> = state
        .keys()
        .filter(|k| !listed.contains(k))
        .copied()
        .collect();
    vanished.sort_unstable();
    (check, vanished)
}

/// The few changed tickets, searched beside the index: which of its documents to leave out,
/// and an index in memory of the tickets as they are now.
struct Overlay {
    excluded: HashMap<u32, HashSet<DocId>>,
    searcher: Option<Searcher>,
    docs: HashMap<String, TicketDoc>,
    unreadable: Vec<(usize, Unreadable)>,
}

fn overlay(
    listing: &Listing,
    state: &HashMap<u64, Entry>,
    loader: &dyn Loader,
    check: &[usize],
    vanished: &[u64],
) -> tantivy::Result<Overlay> {
    let mut excluded: HashMap<u32, HashSet<DocId>> = HashMap::new();
    let mut exclude = |e: &Entry| {
        excluded.entry(e.segment).or_default().insert(e.doc);
    };
    for k in vanished {
        if let Some(e) = state.get(k) {
            exclude(e);
        }
    }
    let keys: Vec<String> = check
        .iter()
        .map(|&i| listing.tickets[i].key.clone())
        .collect();
    let mut docs: HashMap<String, TicketDoc> = HashMap::new();
    let mut unreadable = Vec::new();
    for (&i, l) in check.iter().zip(loader.load(&keys)) {
        let t = &listing.tickets[i];
        let old = state.get(&key_hash(&t.key));
        match l {
            Loaded::Doc(doc) => {
                if old.is_some_and(|e| e.content == doc.content_hash()) {
                    continue;
                }
                if let Some(e) = old {
                    exclude(e);
                }
                docs.insert(t.key.clone(), doc);
            }
            Loaded::Gone => {
                if let Some(e) = old {
                    exclude(e);
                }
            }
            Loaded::Unreadable(message) => {
                if let Some(e) = old {
                    exclude(e);
                }
                unreadable.push((
                    i,
                    Unreadable {
                        key: t.key.clone(),
                        message,
                    },
                ));
            }
        }
    }
    let searcher = if docs.is_empty() {
        None
    } else {
        // Listing order, so the overlay's documents are laid out the same way every time.
        let in_order = check
            .iter()
            .filter_map(|&i| docs.get(&listing.tickets[i].key));
        Some(small_index(in_order)?)
    };
    Ok(Overlay {
        excluded,
        searcher,
        docs,
        unreadable,
    })
}

/// Compares `listing` with the index's `state`. Tickets to check (new, or with another stamp)
/// are read through `loader` when there are at most `read_up_to` of them (and kept in `loaded`
/// by listing index); otherwise they are left in `unread` for [`apply`] to read in batches.
fn plan(
    listing: &Listing,
    state: &HashMap<u64, Entry>,
    loader: &dyn Loader,
    loaded: &mut HashMap<usize, Loaded>,
    read_up_to: usize,
) -> Plan {
    let mut plan = Plan::default();
    let (check, vanished) = to_check(listing, state);
    plan.delete = vanished;
    let missing: Vec<usize> = check
        .iter()
        .copied()
        .filter(|i| !loaded.contains_key(i))
        .collect();
    if missing.len() > read_up_to {
        plan.unread = check;
        return plan;
    }
    let keys: Vec<String> = missing
        .iter()
        .map(|&i| listing.tickets[i].key.clone())
        .collect();
    for (i, l) in missing.into_iter().zip(loader.load(&keys)) {
        loaded.insert(i, l);
    }
    for i in check {
        if let Some(l) = loaded.get(&i) {
            decide(listing, state, i, l, &mut plan);
        }
    }
    plan
}

/// What to do with ticket `i` of the listing, now read as `l`.
fn decide(listing: &Listing, state: &HashMap<u64, Entry>, i: usize, l: &Loaded, plan: &mut Plan) {
    let t = &listing.tickets[i];
    let k = key_hash(&t.key);
    let old = state.get(&k);
    match l {
        Loaded::Doc(doc) => {
            let keep = kept_stamp(t, listing.taken_at_ns);
            let same = old.is_some_and(|e| {
                e.count == 1 && e.content == doc.content_hash() && (e.stamp == keep || keep == 0)
            });
            if !same {
                if old.is_some() {
                    plan.delete.push(k);
                }
                plan.add.push((doc.clone(), keep));
            }
        }
        Loaded::Gone => {
            if old.is_some() {
                plan.delete.push(k);
            }
        }
        Loaded::Unreadable(message) => {
            if old.is_some() {
                plan.delete.push(k);
            }
            plan.unreadable.push((
                i,
                Unreadable {
                    key: t.key.clone(),
                    message: message.clone(),
                },
            ));
        }
    }
}

fn unreadable_in_order(mut list: Vec<(usize, Unreadable)>) -> Vec<Unreadable> {
    list.sort_by_key(|(i, _)| *i);
    list.into_iter().map(|(_, u)| u).collect()
}

/// A one-segment index in memory of a few documents, written without threads and with a
/// small table (tantivy's `IndexWriter` sets up megabytes of it, which cost more than the
/// documents when there are only a few).
fn small_index<'d>(docs: impl Iterator<Item = &'d TicketDoc>) -> tantivy::Result<Searcher> {
    let schema = schema::schema();
    let fields = Fields::of(&schema)?;
    let tokenizers = TokenizerManager::default();
    tokenizers.register(analysis::ANALYZER, analysis::analyzer());
    let mut writer = Index::builder()
        .schema(schema)
        .tokenizers(tokenizers)
        .single_segment_index_writer(RamDirectory::default(), OVERLAY_BUDGET)?;
    for doc in docs {
        writer.add_document(fields.document(doc, 0))?;
    }
    let index = writer.finalize()?;
    index
        .tokenizers()
        .register(analysis::ANALYZER, analysis::analyzer());
    Ok(index.reader()?.searcher())
}

/// Segments of at most this many live documents are merged, eight or more at a time: the
/// small ones later searches fold in, and those that edits have mostly emptied. A bulk
/// build's segments are larger and never merged: a merge reads every page of the segments it
/// merges through the memory map, so merging them would put the whole index in the process's
/// memory (docs/search.md, "Memory").
const MERGE_UP_TO: usize = 500;

/// tantivy's merge policy (`LogMergePolicy`), limited to segments of [`MERGE_UP_TO`] documents.
fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_max_docs_before_merge(MERGE_UP_TO);
    policy
}

/// Carries out `plan`: deletions first, then the documents to add, reading the tickets the plan
/// left unread in batches. Returns how many were added and removed, and the unreadable tickets.
fn apply(
    open: &Opened,
    listing: &Listing,
    loader: &dyn Loader,
    mut plan: Plan,
    loaded: &mut HashMap<usize, Loaded>,
) -> tantivy::Result<(usize, usize, Vec<Unreadable>)> {
    let many = plan.unread.len() + plan.add.len() > CHECK_BEFORE_LOCKING;
    let mut writer: IndexWriter<Fed> = if many {
        open.index
            .writer_with_num_threads(BUILD_THREADS, BUILD_THREADS * BUILD_BUDGET_PER_THREAD)?
    } else {
        open.index.writer_with_num_threads(1, SMALL_BUDGET)?
    };
    writer.set_merge_policy(Box::new(merge_policy()));
    let feed = Feed::new(BUILD_QUEUE);
    let state = read_state(open)?;
    let mut removed = plan.delete.len();
    for k in &plan.delete {
        writer.delete_term(Term::from_field_u64(open.fields.key_hash, *k));
    }
    let mut added = 0;
    for (doc, stamp) in plan.add.drain(..) {
        feed.add(&writer, open.fields.document(&doc, stamp), doc.text_len())?;
        added += 1;
    }
    let mut unreadable = std::mem::take(&mut plan.unreadable);
    let unread = std::mem::take(&mut plan.unread);
    for chunk in unread.chunks(LOAD_BATCH) {
        let need: Vec<usize> = chunk
            .iter()
            .copied()
            .filter(|i| !loaded.contains_key(i))
            .collect();
        let keys: Vec<String> = need
            .iter()
            .map(|&i| listing.tickets[i].key.clone())
            .collect();
        let mut fresh: HashMap<usize, Loaded> = need.into_iter().zip(loader.load(&keys)).collect();
        let mut step = Plan::default();
        for &i in chunk {
            let l = match fresh.remove(&i).or_else(|| loaded.remove(&i)) {
                Some(l) => l,
                None => continue,
            };
            decide(listing, &state, i, &l, &mut step);
        }
        for k in &step.delete {
            writer.delete_term(Term::from_field_u64(open.fields.key_hash, *k));
        }
        for (doc, stamp) in step.add {
            feed.add(&writer, open.fields.document(&doc, stamp), doc.text_len())?;
            added += 1;
        }
        removed += step.delete.len();
        unreadable.extend(step.unreadable);
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok((added, removed, unreadable_in_order(unreadable)))
}
