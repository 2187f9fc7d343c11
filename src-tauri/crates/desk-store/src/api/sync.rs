//! What sync asks of the catalog: its cursors and outbox, applying segments and snapshots,
//! conflicts, a new device id, attachment blobs.

use crate::attachments::AttachmentStore;
use crate::catalog::items;
use crate::db::meta::{meta_get, meta_set};
use crate::error::{Result, StoreError};
use crate::oplog::cursors::{cursor, cursors, set_cursor, version_vector};
use crate::oplog::{log, Extra};
use crate::sync::apply::{apply_ops, finish_batch, retry_kept_aside, Batch};
use crate::sync::bulk::{catalog_is_empty, drop_bulk_indexes};
use crate::sync::conflicts::{conflicts, settle_in};
use crate::sync::context::{ApplyContext, ApplyParts};
use crate::sync::deletion::settle_deletion;
use crate::sync::devices::{reissue_into_own, rekey_device, rename_moved};
use crate::sync::kept_aside::{self, Retry};
use crate::sync::{ApplyOutcome, RemoteSegment, BATCH_OPS, SNAPSHOT_RUN};
use desk_core::merge::VersionVector;
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::problem::Code;
use desk_core::workdays::WorkCalendar;
use desk_trust::segment::SegmentProof;
use rusqlite::{params, OptionalExtension};
use serde_json::Value;

impl crate::Catalog {
    /// What applying needs of the catalog, owned, so the connection stays free to borrow.
    fn apply_parts(&self) -> ApplyParts {
        ApplyParts {
            store: AttachmentStore::new(&self.data_dir),
            device_id: self.device_id.clone(),
            settings: self.settings.clone(),
            calendar: self.calendar.clone(),
            app_version: self.app_version.clone(),
        }
    }

    /// Tells the catalog which app version runs it (the app's and the CLI's own version; the
    /// crate's version until told).
    pub fn set_app_version(&mut self, version: &str) {
        self.app_version = version.to_string();
    }

    /// Tries again, in one transaction, the operations kept aside by another app version than
    /// the running one (an update may know their kind or accept their value). Cheap when
    /// nothing is kept aside. Returns how many could be applied now.
    pub fn retry_kept_aside(&mut self, now_ms: i64) -> Result<u32> {
        if !kept_aside::any(&self.conn)? {
            return Ok(0);
        }
        let parts = self.apply_parts();
        let ctx = parts.context(now_ms);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut batch = Batch::default();
        retry_kept_aside(
            &tx,
            &ctx,
            Retry::DecidedByOtherVersion(ctx.app_version),
            &mut batch,
        )?;
        let outcome = finish_batch(&tx, &ctx, batch)?;
        tx.commit()?;
        if outcome.settings_changed {
            self.reload_settings()?;
        }
        Ok(outcome.released)
    }

    /// The operations kept aside (stored, not applied), oldest first, with why.
    pub fn kept_aside(&self) -> Result<Vec<desk_core::sync::KeptAsideOp>> {
        kept_aside::list(&self.conn)
    }

    /// Adopts the id of a catalog found in a shared folder (joining it). Allowed only before this
    /// PC ever synced, so two catalogs are never mixed by accident.
    pub fn join_catalog(&mut self, catalog_id: &str) -> Result<()> {
        if self.sync_value("folder_catalog")?.is_some() {
            return Err(StoreError::refused(Code::CatalogAlreadyJoined.problem(
                "catalog_id",
                "this catalog already syncs with another shared folder's catalog",
            )));
        }
        meta_set(&self.conn, "catalog_id", catalog_id)
    }

    /// A value sync keeps about itself (`sync:<key>` in `meta`).
    pub fn sync_value(&self, key: &str) -> Result<Option<String>> {
        meta_get(&self.conn, &format!("sync:{key}"))
    }

    pub fn set_sync_value(&self, key: &str, value: &str) -> Result<()> {
        meta_set(&self.conn, &format!("sync:{key}"), value)
    }

    /// How far this PC has applied every other device.
    pub fn sync_cursors(&self) -> Result<VersionVector> {
        cursors(&self.conn)
    }

    /// The cursors plus this PC's own last sequence.
    pub fn version_vector(&self) -> Result<VersionVector> {
        version_vector(&self.conn, &self.device_id)
    }

    /// This PC's last sequence number (0 before its first operation).
    pub fn own_seq(&self) -> Result<u64> {
        Ok(meta_get(&self.conn, "op_seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0))
    }

    /// The highest own sequence published to the folder and read back.
    pub fn published_seq(&self) -> Result<u64> {
        Ok(self
            .sync_value("published_seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0))
    }

    /// Own operations not yet published (the outbox).
    pub fn outbox_len(&self) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM ops WHERE device_id = ?1 AND sent_at IS NULL",
            params![self.device_id],
            |r| r.get::<_, i64>(0),
        )? as u32)
    }

    /// Own operations with a sequence in `from..=to`.
    pub fn own_operations(&self, from: u64, to: u64) -> Result<Vec<Operation>> {
        log::device_operations(&self.conn, &self.device_id, from, to)
    }

    /// Any device's operations this PC holds, in `from..=to`.
    pub fn device_operations(&self, device: &str, from: u64, to: u64) -> Result<Vec<Operation>> {
        log::device_operations(&self.conn, device, from, to)
    }

    /// Marks own operations up to `seq` as published (they leave the outbox).
    pub fn mark_published(&mut self, seq: u64, at: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE ops SET sent_at = ?3 WHERE device_id = ?1 AND seq <= ?2 AND sent_at IS NULL",
            params![self.device_id, seq as i64, at],
        )?;
        let current: u64 = meta_get(&tx, "sync:published_seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        meta_set(&tx, "sync:published_seq", &current.max(seq).to_string())?;
        tx.commit()?;
        Ok(())
    }

    /// Applies one segment of another device's operations in a transaction of its own (see
    /// [`Catalog::apply_remote_segments`]).
    pub fn apply_remote_segment(
        &mut self,
        device: &str,
        segment: &RemoteSegment,
        now_ms: i64,
    ) -> Result<ApplyOutcome> {
        let mut segment = Some(segment.clone());
        self.apply_remote_segments(device, now_ms, |_| Ok::<_, StoreError>(segment.take()))
    }

    /// Applies `device`'s segments one after the other as `next` hands them out (it is given the
    /// device's cursor and returns the segment that follows it, or `None` to stop), in as few
    /// transactions as [`BATCH_OPS`] allows. Each transaction moves the cursor with exactly what
    /// it applied, so a crash or a failure leaves the catalog at the end of a whole segment:
    /// a failure while applying rolls back the open transaction; an error of `next` (a folder
    /// that stopped answering) commits what was applied before it and is returned. When
    /// settings or calendar years arrive, the transaction ends there, they are read again and
    /// due dates are counted again before the next segment.
    pub fn apply_remote_segments<E: From<StoreError>>(
        &mut self,
        device: &str,
        now_ms: i64,
        mut next: impl FnMut(u64) -> std::result::Result<Option<RemoteSegment>, E>,
    ) -> std::result::Result<ApplyOutcome, E> {
        if device == self.device_id {
            return Err(StoreError::refused(
                Code::OwnSegments.problem("device", "a PC does not apply its own segments"),
            )
            .into());
        }
        self.roomy_cache()?;
        let mut total = ApplyOutcome::default();
        loop {
            let parts = self.apply_parts();
            let ctx = parts.context(now_ms);
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(StoreError::from)?;
            let mut batch = Batch::default();
            let mut ended = false;
            let mut failed = None;
            loop {
                let at = cursor(&tx, device)?;
                match next(at) {
                    Ok(Some(segment)) => {
                        apply_ops(
                            &tx,
                            &ctx,
                            device,
                            &segment.ops,
                            segment.last_seq,
                            &segment.version_vector,
                            &mut batch,
                        )?;
                        if batch.outcome.settings_changed || batch.outcome.applied >= BATCH_OPS {
                            break;
                        }
                    }
                    Ok(None) => {
                        ended = true;
                        break;
                    }
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            let outcome = finish_batch(&tx, &ctx, batch)?;
            tx.commit().map_err(StoreError::from)?;
            total.applied += outcome.applied;
            total.signoffs_voided += outcome.signoffs_voided;
            total.index_nos_renumbered += outcome.index_nos_renumbered;
            total.attachments.extend(outcome.attachments);
            total.settings_changed |= outcome.settings_changed;
            total.kept_aside += outcome.kept_aside;
            total.released += outcome.released;
            if outcome.settings_changed {
                self.reload_settings()?;
            }
            if let Some(e) = failed {
                return Err(e);
            }
            if ended {
                return Ok(total);
            }
        }
    }

    /// A large batch touches far more pages than SQLite's default cache holds (2 MB); spilling
    /// them to the log mid-transaction is what made applying slow. 64 MB while syncing.
    fn roomy_cache(&self) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", -65536)?;
        Ok(())
    }

    fn reload_settings(&mut self) -> Result<()> {
        if let Some(json) = meta_get(&self.conn, "settings")? {
            self.settings = serde_json::from_str(&json)
                .map_err(|e| StoreError::Decode(format!("settings: {e}")))?;
        }
        let mut calendar = WorkCalendar::official();
        let years: Vec<(String, String)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT key, value FROM meta WHERE key LIKE 'calendar:%' ORDER BY key")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (_, text) in years {
            if let Err(e) = calendar.set_year(&text) {
                ::log::error!("a calendar year from sync does not read ({e}); shipped one kept");
            }
        }
        self.calendar = calendar;
        let settings = self.settings.clone();
        let calendar = self.calendar.clone();
        let tx = self.conn.transaction()?;
        crate::catalog::save::recompute_due_dates(&tx, &settings, &calendar)?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes an item: a tombstone operation carrying this PC's version vector. Every PC
    /// removes the item once it holds every edit the delete knew of; an edit made without
    /// knowing of the delete brings it back.
    pub fn delete_item(&mut self, id: &str) -> Result<()> {
        if !items::exists(&self.conn, id)? {
            return Err(StoreError::NotFound {
                what: "item",
                id: id.to_string(),
            });
        }
        let covers = self.version_vector()?;
        self.change(|tx, recorder, _, _| {
            let op = recorder.record_with(
                tx,
                EntityKind::Item,
                id,
                OpKind::Delete,
                None,
                &Value::Null,
                &Value::Null,
                Extra {
                    base: None,
                    covers: Some(covers),
                },
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO sync_tombstones (item_id, op_id, covers) VALUES (?1, ?2, ?3)",
                params![
                    id,
                    op.id,
                    serde_json::to_string(&op.covers).unwrap_or_default()
                ],
            )?;
            settle_deletion(tx, id)
        })
    }

    /// Every open conflict, by entity and field.
    pub fn conflicts(&self) -> Result<Vec<desk_core::sync::Conflict>> {
        conflicts(&self.conn)
    }

    /// 索引号 more than one item holds, each with the item that keeps it and the PC that will
    /// renumber the others (see `sync::index_numbers`).
    pub fn duplicate_index_numbers(&self) -> Result<Vec<desk_core::sync::DuplicateIndexNo>> {
        crate::sync::index_numbers::duplicates(&self.conn)
    }

    /// Settles a conflict (`entity/id/field`) with the value of one of its operations.
    pub fn settle_conflict(&mut self, key: &str, chosen_op: &str) -> Result<()> {
        let parts = self.apply_parts();
        let ctx = parts.context(crate::oplog::now_ms());
        let entity_is_setting = key.starts_with("setting/");
        self.change(|tx, recorder, _, _| settle_in(tx, recorder, &ctx, key, chosen_op))?;
        if entity_is_setting {
            self.reload_settings()?;
        }
        Ok(())
    }

    /// Moves operations of `old_id` held here to `new_id`, where the PC that holds that id
    /// issued them again after an id clash: see [`rename_moved`]. `moves` pairs the old sequence
    /// with the new one.
    pub fn rename_moved(
        &mut self,
        old_id: &str,
        new_id: &str,
        moves: &[(u64, u64)],
    ) -> Result<u32> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Moves of this PC's own (a copy of the side it moved came back, from a snapshot) leave
        // its own id without a cursor.
        let own = new_id == self.device_id;
        let moved = rename_moved(&tx, old_id, new_id, moves, own)?;
        tx.commit()?;
        Ok(moved)
    }

    /// Remembers operations moved to another id after an id clash (old id, new id), so that
    /// what arrives of either side merges alike on every PC (see `advance_heads_arriving`).
    /// Returns how many were new here.
    pub fn note_moved(&mut self, pairs: &[(String, String)]) -> Result<u32> {
        let parts = self.apply_parts();
        let ctx = parts.context(crate::oplog::now_ms());
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut added = 0;
        let mut items = std::collections::BTreeSet::new();
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO sync_moved (old_id, new_id) VALUES (?1, ?2)",
            )?;
            let mut held = tx.prepare_cached(
                "SELECT entity_id FROM ops WHERE id IN (?1, ?2) AND entity = 'item'",
            )?;
            for (old, new) in pairs {
                if insert.execute(params![old, new])? == 0 {
                    continue;
                }
                added += 1;
                let rows = held.query_map(params![old, new], |r| r.get::<_, String>(0))?;
                for row in rows {
                    items.insert(row?);
                }
            }
        }
        // Either side may have reached this PC before the move was known here: its items are
        // built again from the log, as where the move was known first.
        if !items.is_empty() {
            let mut batch = Batch::default();
            crate::sync::apply::replay_items(&tx, &ctx, &items, &mut batch)?;
            finish_batch(&tx, &ctx, batch)?;
        }
        tx.commit()?;
        Ok(added)
    }

    /// Issues operations this PC holds of one of its earlier ids again as its next own
    /// operations (see [`reissue_into_own`]); returns the pairs of old and new sequence.
    pub fn reissue_into_own(&mut self, old_id: &str, seqs: &[u64]) -> Result<Vec<(u64, u64)>> {
        let own = self.device_id.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let moves = reissue_into_own(&tx, old_id, &own, seqs)?;
        tx.commit()?;
        Ok(moves)
    }

    /// Takes a new device id (this PC was cloned or restored): see [`rekey_device`].
    pub fn take_new_device_id(&mut self) -> Result<(String, u32)> {
        self.take_new_device_id_from(None)
    }

    /// Takes a new device id, and moves to it every own operation from `first` on, published
    /// or not (`None`: those not published yet). Another PC under the same id gave other
    /// operations the numbers from `first` on (an id clash): this PC issues its own again under
    /// the new id, and reads the old id's from `first` on as another PC's.
    pub fn take_new_device_id_from(&mut self, first: Option<u64>) -> Result<(String, u32)> {
        let old = self.device_id.clone();
        let new = crate::clock::new_device_id();
        let published = match first {
            Some(first) => self.published_seq()?.min(first.saturating_sub(1)),
            None => self.published_seq()?,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let moved = rekey_device(&tx, &old, &new, published)?;
        meta_set(&tx, "sync:published_seq", "0")?;
        // How far the old id's segments were compacted says nothing of the new id's: kept, it
        // would stop segments of the new id that a share rolled back lost from being
        // published again.
        meta_set(&tx, "sync:compacted_through", "0")?;
        // What went out under the old id is now a segment of another device, as if applied from
        // it: its cut is kept, so that it can be published again should its copy be damaged.
        tx.execute(
            "INSERT OR REPLACE INTO sync_segments (device_id, first_seq, last_seq, version_vector, proof)
             SELECT ?1, first_seq, last_seq, version_vector, proof FROM sync_published WHERE last_seq <= ?2",
            rusqlite::params![old, published as i64],
        )?;
        tx.execute("DELETE FROM sync_published", [])?;
        let previous: Vec<String> = meta_get(&tx, "sync:previous_device_ids")?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        let mut previous = previous;
        previous.push(old);
        meta_set(
            &tx,
            "sync:previous_device_ids",
            &serde_json::to_string(&previous).unwrap_or_default(),
        )?;
        tx.commit()?;
        self.device_id = new.clone();
        Ok((new, moved))
    }

    /// Remembers a published segment's cut and version vector, so that a folder emptied later
    /// gets the very same segments back (their version vectors are what keeps the order of
    /// delivery right: recomputing them from today's state could make PCs wait on each other).
    pub fn record_published_segment(
        &self,
        first_seq: u64,
        last_seq: u64,
        version_vector: &VersionVector,
        proof: Option<&SegmentProof>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO sync_published (first_seq, last_seq, version_vector, proof) VALUES (?1, ?2, ?3, ?4)",
            params![
                first_seq as i64,
                last_seq as i64,
                serde_json::to_string(version_vector).unwrap_or_default(),
                proof_text(proof)
            ],
        )?;
        Ok(())
    }

    /// Remembers the cut and version vector of another PC's segment applied here, so that it
    /// can be published again as it was (see [`Catalog::applied_segment`]).
    pub fn record_applied_segment(
        &self,
        device: &str,
        first_seq: u64,
        last_seq: u64,
        version_vector: &VersionVector,
        proof: Option<&SegmentProof>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO sync_segments (device_id, first_seq, last_seq, version_vector, proof)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                device,
                first_seq as i64,
                last_seq as i64,
                serde_json::to_string(version_vector).unwrap_or_default(),
                proof_text(proof)
            ],
        )?;
        Ok(())
    }

    /// `device`'s segment starting at `first_seq` as it was applied here (its cut, version
    /// vector and proof); `None` when this PC did not apply it from a segment.
    pub fn applied_segment(&self, device: &str, first_seq: u64) -> Result<Option<AppliedCut>> {
        let row: Option<(i64, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT last_seq, version_vector, proof FROM sync_segments WHERE device_id = ?1 AND first_seq = ?2",
                params![device, first_seq as i64],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match row {
            None => Ok(None),
            Some((last, vv, proof)) => Ok(Some(AppliedCut {
                last_seq: last.max(0) as u64,
                version_vector: serde_json::from_str(&vv)
                    .map_err(|e| StoreError::Decode(format!("applied segment: {e}")))?,
                // A proof that does not read is as good as none: readers then refuse the copy.
                proof: proof.and_then(|p| serde_json::from_str(&p).ok()),
            })),
        }
    }

    /// The segments this PC published under its current id: first, last, version vector.
    pub fn published_segments(&self) -> Result<Vec<(u64, u64, VersionVector)>> {
        self.published_segments_where("1")
    }

    fn published_segments_where(&self, condition: &str) -> Result<Vec<(u64, u64, VersionVector)>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT first_seq, last_seq, version_vector FROM sync_published WHERE {condition} ORDER BY first_seq"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (first, last, vv) = row?;
            out.push((
                first.max(0) as u64,
                last.max(0) as u64,
                serde_json::from_str(&vv)
                    .map_err(|e| StoreError::Decode(format!("published segment: {e}")))?,
            ));
        }
        Ok(out)
    }

    /// Keeps the proof of another PC's segment this PC took in from a snapshot (whose cut and
    /// version vector it never saw: an empty one, which a copy published again computes).
    pub fn record_carried_proof(
        &self,
        device: &str,
        first_seq: u64,
        last_seq: u64,
        proof: &SegmentProof,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO sync_segments (device_id, first_seq, last_seq, version_vector, proof)
             VALUES (?1, ?2, ?3, '{}', ?4)",
            params![device, first_seq as i64, last_seq as i64, proof_text(Some(proof))],
        )?;
        Ok(())
    }

    /// Every segment proof this PC holds, of the segments it applied and those it published
    /// under its current id: device, first, last, proof (for a snapshot to carry).
    pub fn segment_proofs(&self) -> Result<Vec<(String, u64, u64, SegmentProof)>> {
        let mut stmt = self.conn.prepare(
            "SELECT device_id, first_seq, last_seq, proof FROM sync_segments WHERE proof IS NOT NULL
             UNION ALL
             SELECT ?1, first_seq, last_seq, proof FROM sync_published WHERE proof IS NOT NULL",
        )?;
        let rows = stmt.query_map(params![self.device_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (device, first, last, proof) = row?;
            if let Ok(proof) = serde_json::from_str(&proof) {
                out.push((device, first.max(0) as u64, last.max(0) as u64, proof));
            }
        }
        Ok(out)
    }

    /// The segments this PC published under its current id with no proof (before it signed):
    /// first, last, version vector.
    pub fn unsigned_published_segments(&self) -> Result<Vec<(u64, u64, VersionVector)>> {
        Ok(self
            .published_segments_where("proof IS NULL")?
            .into_iter()
            .collect())
    }

    /// Every operation this PC holds in an order that respects causality (clock, device, seq),
    /// for a snapshot a new PC starts from.
    pub fn operations_in_clock_order(&self) -> Result<Vec<Operation>> {
        let mut ops = log::all_operations(&self.conn)?;
        ops.sort_by(|a, b| (a.clock, &a.device_id, a.seq).cmp(&(b.clock, &b.device_id, b.seq)));
        Ok(ops)
    }

    /// Applies a snapshot (operations of many devices in clock order) in one transaction and
    /// moves every cursor to the snapshot's version vector.
    pub fn apply_snapshot(
        &mut self,
        ops: &[Operation],
        covers: &VersionVector,
        now_ms: i64,
    ) -> Result<u32> {
        self.apply_snapshot_stream(
            ops.iter().cloned().map(Ok::<_, std::convert::Infallible>),
            covers,
            now_ms,
        )
    }

    /// Applies a snapshot read as a stream, in one transaction: the first `Err` from `ops` (a
    /// damaged file found only at its end) rolls everything back, so nothing of a snapshot that
    /// does not verify stays applied. Memory stays bounded whatever the snapshot's size: the
    /// operations are taken in runs of at most [`SNAPSHOT_RUN`].
    pub fn apply_snapshot_stream<E: std::fmt::Display>(
        &mut self,
        ops: impl IntoIterator<Item = std::result::Result<Operation, E>>,
        covers: &VersionVector,
        now_ms: i64,
    ) -> Result<u32> {
        let parts = self.apply_parts();
        let ctx = parts.context(now_ms);
        self.roomy_cache()?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Into an empty catalog, the list's and the log's secondary indexes are built once at
        // the end rather than kept up row by row; in the same transaction, so a crash leaves
        // neither half-built indexes nor half the snapshot.
        let rebuild = if catalog_is_empty(&tx)? {
            drop_bulk_indexes(&tx)?
        } else {
            Vec::new()
        };
        let mut batch = Batch::default();
        // Runs of one device are applied together; the cursor moves only at the end.
        let mut run: Vec<Operation> = Vec::new();
        let mut ops = ops.into_iter();
        loop {
            let next = match ops.next() {
                Some(Ok(op)) => Some(op),
                // Dropping the transaction rolls it back.
                Some(Err(e)) => return Err(StoreError::Decode(e.to_string())),
                None => None,
            };
            let ends_run = match (&next, run.first()) {
                (Some(op), Some(first)) => {
                    op.device_id != first.device_id || run.len() >= SNAPSHOT_RUN
                }
                (None, Some(_)) => true,
                _ => false,
            };
            if ends_run {
                apply_snapshot_run(&tx, &ctx, &run, covers, &mut batch)?;
                run.clear();
            }
            match next {
                Some(op) => run.push(op),
                None => break,
            }
        }
        let outcome = finish_batch(&tx, &ctx, batch)?;
        for sql in &rebuild {
            tx.execute_batch(sql)?;
        }
        for (device, seq) in covers {
            if device != &self.device_id {
                set_cursor(&tx, device, *seq)?;
            }
        }
        tx.commit()?;
        if outcome.settings_changed {
            self.reload_settings()?;
        }
        Ok(outcome.applied)
    }

    /// The path of an attachment's content in the local store, when it is there and whole.
    pub fn attachment_blob_present(&self, sha256: &str) -> Option<std::path::PathBuf> {
        self.attachment_store().blob_present(sha256)
    }

    /// Stores attachment content received from another PC after checking its hash.
    pub fn import_attachment_blob(&self, sha256: &str, bytes: &[u8]) -> Result<bool> {
        self.attachment_store().import_blob(sha256, bytes)
    }

    /// Whether any item refers to this attachment content.
    pub fn attachment_referenced(&self, sha256: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM item_sets WHERE field = 'attachments' AND value LIKE ?1)",
            params![format!("%\"sha256\":\"{sha256}\"%")],
            |r| r.get(0),
        )?)
    }
}

/// One run of one device's operations of a snapshot (this PC's own are already here).
fn apply_snapshot_run(
    tx: &rusqlite::Transaction,
    ctx: &ApplyContext,
    run: &[Operation],
    covers: &VersionVector,
    batch: &mut Batch,
) -> Result<()> {
    let Some(device) = run.first().map(|op| op.device_id.as_str()) else {
        return Ok(());
    };
    if device == ctx.device_id {
        return Ok(());
    }
    let before = cursor(tx, device)?;
    // Let the run through whatever the cursor says: the snapshot is in clock order.
    tx.execute(
        "DELETE FROM sync_cursors WHERE device_id = ?1",
        params![device],
    )?;
    apply_ops(tx, ctx, device, run, 0, covers, batch)?;
    set_cursor(tx, device, before)
}

/// Another PC's segment as this PC applied it, to publish it again as it was.
#[derive(Debug, Clone)]
pub struct AppliedCut {
    pub last_seq: u64,
    pub version_vector: VersionVector,
    /// Its writer's signature, when it carried one.
    pub proof: Option<SegmentProof>,
}

fn proof_text(proof: Option<&SegmentProof>) -> Option<String> {
    proof.and_then(|p| serde_json::to_string(p).ok())
}
