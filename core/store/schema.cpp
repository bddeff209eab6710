#include "store/schema.h"

namespace mdsync::schema {

// Times are INTEGER UTC milliseconds since the epoch unless a column says otherwise. JSON columns hold
// nlohmann dumps (keys sorted), so equal content means equal text.
const std::vector<QStringList>& migrations()
{
    static const std::vector<QStringList> all = {
        // ---- version 1 ------------------------------------------------------------------------------
        {
            QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"),
            QStringLiteral("INSERT INTO meta(key, value) VALUES ('format', 'mdsync-workspace')"),

            // Every model or landscape document the workspace has used; the newest of a kind is in force.
            QStringLiteral("CREATE TABLE config_version ("
                           " id INTEGER PRIMARY KEY,"
                           " kind TEXT NOT NULL CHECK (kind IN ('model','landscape')),"
                           " version TEXT NOT NULL,"
                           " content_hash TEXT NOT NULL,"
                           " document TEXT NOT NULL,"
                           " origin TEXT NOT NULL,"
                           " effective_at INTEGER NOT NULL,"
                           " loaded_by TEXT NOT NULL)"),

            // Projections of the landscape in force, for queries and views. The document in config_version
            // is the source they are written from (in the same transaction).
            QStringLiteral("CREATE TABLE system ("
                           " id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, plants TEXT NOT NULL,"
                           " max_concurrency INTEGER NOT NULL, rate_limit REAL NOT NULL, rate_burst INTEGER NOT NULL,"
                           " inbound INTEGER NOT NULL, connector TEXT NOT NULL, paused INTEGER NOT NULL DEFAULT 0)"
                           " WITHOUT ROWID"),
            QStringLiteral("CREATE TABLE domain ("
                           " name TEXT PRIMARY KEY, label TEXT NOT NULL, key_name TEXT NOT NULL,"
                           " model_version TEXT NOT NULL, attribute_groups TEXT NOT NULL) WITHOUT ROWID"),
            QStringLiteral(
                "CREATE TABLE ownership ("
                " id INTEGER PRIMARY KEY, landscape_version_id INTEGER NOT NULL REFERENCES config_version(id),"
                " domain TEXT NOT NULL, attr_group TEXT NOT NULL, system_id TEXT NOT NULL,"
                " valid_from INTEGER NOT NULL, valid_to INTEGER NOT NULL)"),
            QStringLiteral("CREATE INDEX ownership_lookup ON ownership(domain, attr_group, valid_from)"),
            QStringLiteral("CREATE TABLE subscription ("
                           " id TEXT PRIMARY KEY, domain TEXT NOT NULL, target_id TEXT NOT NULL, pattern TEXT NOT NULL,"
                           " filter TEXT NOT NULL, sla_minutes INTEGER NOT NULL, criticality TEXT NOT NULL,"
                           " contract_version TEXT NOT NULL, window_start INTEGER, window_end INTEGER) WITHOUT ROWID"),

            // Business objects and their immutable revisions.
            QStringLiteral(
                "CREATE TABLE object ("
                " id INTEGER PRIMARY KEY, domain TEXT NOT NULL, key TEXT NOT NULL,"
                " revision_no INTEGER NOT NULL, current_revision_id INTEGER NOT NULL,"
                " content_hash TEXT NOT NULL, lifecycle TEXT, description TEXT, deleted INTEGER NOT NULL DEFAULT 0,"
                " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, UNIQUE (domain, key))"),
            QStringLiteral(
                "CREATE TABLE revision ("
                " id INTEGER PRIMARY KEY, object_id INTEGER NOT NULL REFERENCES object(id),"
                " revision_no INTEGER NOT NULL, op TEXT NOT NULL CHECK (op IN ('upsert','delete')),"
                " source_system TEXT NOT NULL, actor TEXT NOT NULL, event_id TEXT, correlation_id TEXT NOT NULL,"
                " occurred_at INTEGER, received_at INTEGER NOT NULL, model_version TEXT NOT NULL,"
                " state TEXT NOT NULL, changed TEXT NOT NULL, content_hash TEXT NOT NULL,"
                " UNIQUE (object_id, revision_no))"),
            QStringLiteral("CREATE TRIGGER revision_immutable BEFORE UPDATE ON revision"
                           " BEGIN SELECT RAISE(ABORT, 'revisions are immutable'); END"),

            // (source, event_id) of every event that was accepted (or found unchanged): idempotent re-ingest.
            QStringLiteral("CREATE TABLE inbound_event ("
                           " source TEXT NOT NULL, event_id TEXT NOT NULL, payload_hash TEXT NOT NULL,"
                           " received_at INTEGER NOT NULL, outcome TEXT NOT NULL, revision_id INTEGER,"
                           " PRIMARY KEY (source, event_id)) WITHOUT ROWID"),

            // The transactional outbox: one row per (revision, subscriber), written with the revision.
            QStringLiteral("CREATE TABLE delivery ("
                           " id INTEGER PRIMARY KEY, revision_id INTEGER NOT NULL REFERENCES revision(id),"
                           " object_id INTEGER NOT NULL, revision_no INTEGER NOT NULL, target_id TEXT NOT NULL,"
                           " subscription_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
                           " due_at INTEGER NOT NULL, next_attempt_at INTEGER, idempotency_key TEXT NOT NULL UNIQUE,"
                           " contract_version TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
                           " acked_at INTEGER, latency_ms INTEGER, last_error TEXT, exception_id INTEGER)"),
            QStringLiteral("CREATE INDEX delivery_due ON delivery(target_id, due_at)"
                           " WHERE status IN ('pending','retry_wait','in_flight','held')"),
            QStringLiteral("CREATE INDEX delivery_object ON delivery(object_id, target_id, revision_no)"),

            // Latest state per (object, target) and counters per (target, domain, status), maintained in
            // the same transactions as the delivery rows so that status and KPI queries never scan.
            QStringLiteral("CREATE TABLE object_target ("
                           " object_id INTEGER NOT NULL, target_id TEXT NOT NULL, latest_revision_no INTEGER NOT NULL,"
                           " latest_delivery_id INTEGER, status TEXT NOT NULL, acked_revision_no INTEGER,"
                           " updated_at INTEGER NOT NULL, PRIMARY KEY (object_id, target_id)) WITHOUT ROWID"),
            QStringLiteral("CREATE TABLE delivery_counter ("
                           " target_id TEXT NOT NULL, domain TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,"
                           " PRIMARY KEY (target_id, domain, status)) WITHOUT ROWID"),

            // Everything that could not be accepted or delivered, with the raw input kept verbatim.
            QStringLiteral("CREATE TABLE exception ("
                           " id INTEGER PRIMARY KEY, stage TEXT NOT NULL CHECK (stage IN ('inbound','delivery')),"
                           " category TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL,"
                           " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
                           " source_name TEXT, line_no INTEGER, source_system TEXT, event_id TEXT, correlation_id TEXT,"
                           " domain TEXT, object_key TEXT, object_id INTEGER, revision_id INTEGER, delivery_id INTEGER,"
                           " target_id TEXT, message TEXT NOT NULL, details TEXT NOT NULL, raw BLOB, raw_sha256 TEXT,"
                           " assignee TEXT, ingest_run_id INTEGER)"),
            QStringLiteral("CREATE INDEX exception_open ON exception(status, category, created_at)"),
            QStringLiteral("CREATE INDEX exception_object ON exception(domain, object_key)"),
            QStringLiteral("CREATE INDEX exception_raw ON exception(raw_sha256) WHERE raw_sha256 IS NOT NULL"),
            QStringLiteral("CREATE TABLE exception_counter ("
                           " stage TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,"
                           " PRIMARY KEY (stage, category, status)) WITHOUT ROWID"),

            // Everything that happened to an object, in order. domain/object_key are set even when the object
            // does not exist (yet), e.g. for a rejected create.
            QStringLiteral(
                "CREATE TABLE lineage_event ("
                " id INTEGER PRIMARY KEY, at INTEGER NOT NULL, domain TEXT NOT NULL, object_key TEXT NOT NULL,"
                " object_id INTEGER, revision_id INTEGER, kind TEXT NOT NULL, system_id TEXT, actor TEXT,"
                " correlation_id TEXT, detail TEXT NOT NULL)"),
            QStringLiteral("CREATE INDEX lineage_object ON lineage_event(domain, object_key, id)"),

            // Candidate index for the duplicate-suspect check: normalised tokens of the compared attributes.
            QStringLiteral("CREATE TABLE match_token ("
                           " domain TEXT NOT NULL, token TEXT NOT NULL, object_id INTEGER NOT NULL,"
                           " PRIMARY KEY (domain, token, object_id)) WITHOUT ROWID"),
            QStringLiteral("CREATE TABLE match_text ("
                           " object_id INTEGER PRIMARY KEY, domain TEXT NOT NULL, text TEXT NOT NULL)"),

            QStringLiteral("CREATE TABLE ingest_run ("
                           " id INTEGER PRIMARY KEY, source_name TEXT NOT NULL, actor TEXT NOT NULL,"
                           " started_at INTEGER NOT NULL, finished_at INTEGER, summary TEXT)"),

            // Append-only, hash-chained audit log. Nothing updates or deletes a row of it.
            QStringLiteral("CREATE TABLE audit_log ("
                           " seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
                           " subject TEXT NOT NULL, before TEXT, after TEXT, reason TEXT,"
                           " prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"),
            QStringLiteral("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
                           " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"),
            QStringLiteral("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
                           " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"),
        },
        // ---- version 2 ------------------------------------------------------------------------------
        {
            // Who may do what: OS logins mapped to roles (viewer is implicit). Managed by admins, audited.
            QStringLiteral("CREATE TABLE user_role ("
                           " login TEXT NOT NULL, role TEXT NOT NULL"
                           " CHECK (role IN ('viewer','steward','approver','auditor','admin')),"
                           " granted_by TEXT NOT NULL, granted_at INTEGER NOT NULL, PRIMARY KEY (login, role))"
                           " WITHOUT ROWID"),
        },
        // ---- version 3 ------------------------------------------------------------------------------
        {
            // Steward corrections: attribute changes (a steward revision on behalf of the owning system) or an
            // edited mapped payload of a failed delivery. A correction touching a critical attribute group
            // waits in awaiting_approval for a different user with the approver role.
            QStringLiteral("CREATE TABLE correction ("
                           " id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('attributes','payload')),"
                           " status TEXT NOT NULL CHECK (status IN ('awaiting_approval','applied','rejected')),"
                           " domain TEXT NOT NULL, object_key TEXT NOT NULL, object_id INTEGER,"
                           " exception_id INTEGER, delivery_id INTEGER, target_id TEXT, base_revision_no INTEGER,"
                           " changes TEXT NOT NULL, before TEXT NOT NULL, critical_groups TEXT NOT NULL,"
                           " on_behalf_of TEXT, reason TEXT NOT NULL, proposed_by TEXT NOT NULL,"
                           " proposed_at INTEGER NOT NULL, decided_by TEXT, decided_at INTEGER, decision_reason TEXT,"
                           " revision_id INTEGER, rule_id INTEGER)"),
            QStringLiteral("CREATE INDEX correction_object ON correction(domain, object_key, id)"),
            QStringLiteral("CREATE INDEX correction_status ON correction(status, id)"),
            // The mapped payload a steward edited for a failed delivery (JSON); sent instead of the mapping.
            QStringLiteral("ALTER TABLE delivery ADD COLUMN payload_override TEXT"),

            // Bulk replay jobs and their per-item results.
            QStringLiteral("CREATE TABLE replay_job ("
                           " id INTEGER PRIMARY KEY, created_by TEXT NOT NULL, created_at INTEGER NOT NULL,"
                           " filter TEXT NOT NULL, dry_run INTEGER NOT NULL, reason TEXT,"
                           " status TEXT NOT NULL CHECK (status IN ('running','done','cancelled')),"
                           " total INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,"
                           " succeeded INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,"
                           " finished_at INTEGER)"),
            QStringLiteral("CREATE TABLE replay_job_item ("
                           " job_id INTEGER NOT NULL, seq INTEGER NOT NULL, exception_id INTEGER, delivery_id INTEGER,"
                           " result TEXT NOT NULL, message TEXT, PRIMARY KEY (job_id, seq)) WITHOUT ROWID"),

            // Fix once, apply to N: a recorded correction rule and where it was applied.
            QStringLiteral("CREATE TABLE fix_rule ("
                           " id INTEGER PRIMARY KEY, name TEXT NOT NULL, target_id TEXT, domain TEXT, category TEXT,"
                           " match TEXT NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL,"
                           " created_by TEXT NOT NULL, created_at INTEGER NOT NULL,"
                           " applied INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1)"),

            // Governed configuration changes: a proposal with its diff; takes effect when another admin approves.
            QStringLiteral(
                "CREATE TABLE config_proposal ("
                " id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('model','landscape','contracts')),"
                " status TEXT NOT NULL CHECK (status IN ('proposed','approved','rejected','withdrawn')),"
                " title TEXT NOT NULL, document TEXT NOT NULL, diff TEXT NOT NULL, base_version_id INTEGER,"
                " reason TEXT NOT NULL, proposed_by TEXT NOT NULL, proposed_at INTEGER NOT NULL,"
                " decided_by TEXT, decided_at INTEGER, decision_reason TEXT, effective_at INTEGER,"
                " version_id INTEGER)"),

            // Alerts raised by the core's alert rules; acknowledged by users.
            QStringLiteral("CREATE TABLE alert ("
                           " id INTEGER PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL,"
                           " status TEXT NOT NULL CHECK (status IN ('open','acknowledged','cleared')),"
                           " dedup_key TEXT NOT NULL, domain TEXT, object_key TEXT, target_id TEXT,"
                           " message TEXT NOT NULL, details TEXT NOT NULL, fired_at INTEGER NOT NULL,"
                           " last_seen_at INTEGER NOT NULL, acked_by TEXT, acked_at INTEGER, cleared_at INTEGER)"),
            QStringLiteral("CREATE UNIQUE INDEX alert_live ON alert(dedup_key) WHERE status != 'cleared'"),
            QStringLiteral("CREATE INDEX alert_status ON alert(status, fired_at)"),

            // KPIs (core/metrics, docs/METRICS.md). metric_minute: outcome counts per target, domain and UTC
            // minute (minute = ms / 60000), written by the dispatcher in the outcome's transaction.
            // latency_bucket: histogram of end-to-end latencies per target and minute (log-scale buckets, see
            // metrics.h) for percentiles without scans. kpi_counter: named aggregate counters (n, total).
            QStringLiteral("CREATE TABLE metric_minute ("
                           " target_id TEXT NOT NULL, minute INTEGER NOT NULL, domain TEXT NOT NULL,"
                           " attempts INTEGER NOT NULL DEFAULT 0, acked INTEGER NOT NULL DEFAULT 0,"
                           " retried INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,"
                           " latency_sum INTEGER NOT NULL DEFAULT 0, sla_breaches INTEGER NOT NULL DEFAULT 0,"
                           " PRIMARY KEY (target_id, minute, domain)) WITHOUT ROWID"),
            QStringLiteral("CREATE TABLE latency_bucket ("
                           " target_id TEXT NOT NULL, minute INTEGER NOT NULL, bucket INTEGER NOT NULL,"
                           " n INTEGER NOT NULL, PRIMARY KEY (target_id, minute, bucket)) WITHOUT ROWID"),
            QStringLiteral("CREATE TABLE kpi_counter ("
                           " name TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 0,"
                           " total INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (name, key)) WITHOUT ROWID"),
            // Counters kept by triggers, so that every code path that opens or closes an exception or finishes
            // an ingest run keeps them: open exceptions per domain ('open_exceptions', domain), repair time of
            // closed exceptions ('repair', category: n closes, total ms), duplicate inputs an ingest run did
            // not merge again ('duplicates_prevented', 'idempotent_event' / 'unchanged').
            QStringLiteral("INSERT INTO kpi_counter(name, key, n, total)"
                           " SELECT 'open_exceptions', coalesce(domain, ''), count(*), 0 FROM exception"
                           " WHERE status IN ('open','assigned') GROUP BY 2"),
            QStringLiteral("CREATE TRIGGER kpi_exception_open AFTER INSERT ON exception"
                           " WHEN new.status IN ('open','assigned') BEGIN"
                           " INSERT INTO kpi_counter(name, key, n, total) VALUES ('open_exceptions',"
                           " coalesce(new.domain, ''), 1, 0) ON CONFLICT(name, key) DO UPDATE SET n = n + 1; END"),
            QStringLiteral("CREATE TRIGGER kpi_exception_status AFTER UPDATE OF status ON exception"
                           " WHEN (old.status IN ('open','assigned')) <> (new.status IN ('open','assigned')) BEGIN"
                           " INSERT INTO kpi_counter(name, key, n, total) VALUES ('open_exceptions',"
                           " coalesce(new.domain, ''), CASE WHEN new.status IN ('open','assigned') THEN 1 ELSE -1 END,"
                           " 0) ON CONFLICT(name, key) DO UPDATE SET n = n + excluded.n;"
                           " INSERT INTO kpi_counter(name, key, n, total) SELECT 'repair', new.category, 1,"
                           " max(0, new.updated_at - old.created_at)"
                           " WHERE new.status IN ('resolved','discarded','superseded','replayed')"
                           " ON CONFLICT(name, key) DO UPDATE SET n = n + 1, total = total + excluded.total; END"),
            QStringLiteral("CREATE TRIGGER kpi_ingest_duplicates AFTER UPDATE OF summary ON ingest_run"
                           " WHEN new.summary IS NOT NULL AND old.summary IS NULL BEGIN"
                           " INSERT INTO kpi_counter(name, key, n, total) VALUES ('duplicates_prevented',"
                           " 'idempotent_event', coalesce(json_extract(new.summary, '$.duplicates'), 0), 0),"
                           " ('duplicates_prevented', 'unchanged',"
                           " coalesce(json_extract(new.summary, '$.unchanged'), 0), 0)"
                           " ON CONFLICT(name, key) DO UPDATE SET n = n + excluded.n; END"),
        },
        // ---- version 4 ------------------------------------------------------------------------------
        {
            // The GUI's filters on large workspaces (docs/GUI.md): key prefix as an index range, a delivery
            // status at a system, and description substrings through an FTS5 trigram index kept by triggers
            // (external content: the text lives in object.description only).
            QStringLiteral("CREATE INDEX object_key ON object(key)"),
            QStringLiteral("CREATE INDEX object_target_status ON object_target(status, target_id)"),
            QStringLiteral("CREATE VIRTUAL TABLE object_text USING fts5(description, content='object',"
                           " content_rowid='id', tokenize='trigram')"),
            QStringLiteral("INSERT INTO object_text(object_text) VALUES ('rebuild')"),
            QStringLiteral(
                "CREATE TRIGGER object_text_insert AFTER INSERT ON object BEGIN"
                " INSERT INTO object_text(rowid, description) VALUES (new.id, coalesce(new.description, ''));"
                " END"),
            QStringLiteral(
                "CREATE TRIGGER object_text_update AFTER UPDATE OF description ON object"
                " WHEN coalesce(old.description, '') <> coalesce(new.description, '') BEGIN"
                " INSERT INTO object_text(object_text, rowid, description)"
                " VALUES ('delete', old.id, coalesce(old.description, ''));"
                " INSERT INTO object_text(rowid, description) VALUES (new.id, coalesce(new.description, ''));"
                " END"),
        },
        // ---- version 5 ------------------------------------------------------------------------------
        {
            // A random id per workspace, part of every idempotency key from now on, so that two workspaces that
            // send to the same system never produce the same key (docs/DISPATCHER.md). Keys already in the
            // outbox keep the value they were sent with.
            QStringLiteral("INSERT INTO meta(key, value) VALUES ('instance_id', lower(hex(randomblob(16))))"
                           " ON CONFLICT(key) DO NOTHING"),
            // Per attribute, the occurred_at of the event that last set it and that event's source:
            // {"<source>": {"<attribute>": ms}}. A later event from the same source that is older is stale.
            QStringLiteral("ALTER TABLE object ADD COLUMN source_times TEXT"),
            // The references of every object's current state (reference attributes and table columns, path
            // "components.component"), written with each revision: structure checks (BOM cycles, location
            // parent chains) and the objects that wait for a referenced object. Filled for older workspaces by
            // the ingest pipeline on first use (meta ref_index).
            QStringLiteral("CREATE TABLE object_ref ("
                           " object_id INTEGER NOT NULL, domain TEXT NOT NULL, path TEXT NOT NULL,"
                           " ref_domain TEXT NOT NULL, ref_key TEXT NOT NULL,"
                           " PRIMARY KEY (object_id, path, ref_domain, ref_key)) WITHOUT ROWID"),
            QStringLiteral("CREATE INDEX object_ref_target ON object_ref(ref_domain, ref_key, domain, path)"),
            // A workspace without objects has nothing to index.
            QStringLiteral(
                "INSERT INTO meta(key, value) SELECT 'ref_index', '1' WHERE NOT EXISTS (SELECT 1 FROM object)"
                " ON CONFLICT(key) DO NOTHING"),
            // Open unresolved_reference exceptions by the object they wait for: closed when it arrives.
            QStringLiteral("CREATE TABLE pending_ref ("
                           " exception_id INTEGER PRIMARY KEY, object_id INTEGER NOT NULL,"
                           " ref_domain TEXT NOT NULL, ref_key TEXT NOT NULL)"),
            QStringLiteral("CREATE INDEX pending_ref_target ON pending_ref(ref_domain, ref_key)"),
            QStringLiteral("CREATE INDEX pending_ref_object ON pending_ref(object_id)"),
        },
        // ---- version 6 ------------------------------------------------------------------------------
        {
            // object_ref with its primary-key columns first. Same rows and keys; the declared order is what
            // SQLite 3.40's PRAGMA integrity_check gets wrong for a WITHOUT ROWID table whose non-key NOT NULL
            // column sits between key columns: it reported "NULL value in object_ref.domain" for every row,
            // so a backup's check (store/backup.cpp) could not tell a sound copy from a broken one.
            QStringLiteral("CREATE TABLE object_ref_v6 ("
                           " object_id INTEGER NOT NULL, path TEXT NOT NULL, ref_domain TEXT NOT NULL,"
                           " ref_key TEXT NOT NULL, domain TEXT NOT NULL,"
                           " PRIMARY KEY (object_id, path, ref_domain, ref_key)) WITHOUT ROWID"),
            QStringLiteral("INSERT INTO object_ref_v6(object_id, path, ref_domain, ref_key, domain)"
                           " SELECT object_id, path, ref_domain, ref_key, domain FROM object_ref"),
            QStringLiteral("DROP TABLE object_ref"),
            QStringLiteral("ALTER TABLE object_ref_v6 RENAME TO object_ref"),
            QStringLiteral("CREATE INDEX object_ref_target ON object_ref(ref_domain, ref_key, domain, path)"),
        },
        // ---- version 7 ------------------------------------------------------------------------------
        {
            // The circuit breaker of each target (docs/DISPATCHER.md "Circuit breaker"), written by the active
            // dispatcher only, read at its start so that an open circuit survives a restart. A row exists once a
            // target's circuit opened; `incident_id` is its target_outage exception while open.
            QStringLiteral("CREATE TABLE target_circuit ("
                           " target_id TEXT PRIMARY KEY, state TEXT NOT NULL CHECK (state IN ('closed','open')),"
                           " opened_at INTEGER, last_error TEXT, probe_interval_ms INTEGER, next_probe_at INTEGER,"
                           " probes INTEGER NOT NULL DEFAULT 0, incident_id INTEGER, updated_at INTEGER NOT NULL)"
                           " WITHOUT ROWID"),
            // Deliveries waiting for their target's circuit to close: the oldest is the probe, all go back to
            // pending when it closes.
            QStringLiteral("CREATE INDEX delivery_blocked ON delivery(target_id, due_at, id)"
                           " WHERE status = 'blocked_by_outage'"),
        },
        // ---- version 8 ------------------------------------------------------------------------------
        {
            // A steward's request to probe a target whose circuit is open now (requestProbe, `mdsyncctl probe`):
            // the time of the latest request; the dispatcher, in any process, sees a new value where it re-reads
            // the pause flags and makes its next probe due at once.
            QStringLiteral("ALTER TABLE system ADD COLUMN probe_requested_at INTEGER"),
        },
        // ---- version 9 ------------------------------------------------------------------------------
        {
            // A steward's decision on a duplicate suspect pair (docs/DUPLICATES.md "Deciding a suspect"), the two
            // objects ordered low/high: the duplicate check never raises a dismissed pair again.
            QStringLiteral("CREATE TABLE duplicate_decision ("
                           " id INTEGER PRIMARY KEY, domain TEXT NOT NULL, object_low INTEGER NOT NULL,"
                           " object_high INTEGER NOT NULL,"
                           " decision TEXT NOT NULL CHECK (decision IN ('not_duplicate')), actor TEXT NOT NULL,"
                           " at INTEGER NOT NULL, reason TEXT NOT NULL, CHECK (object_low < object_high),"
                           " UNIQUE (object_low, object_high))"),
        },
        // ---- version 10 -----------------------------------------------------------------------------
        {
            // Contracts are workspace configuration (docs/CONTRACTS.md "Governance"): config_version takes the
            // kind 'contracts'. SQLite cannot change a CHECK in place, so the table is rebuilt with the same rows
            // and ids; ownership, the one table that refers to it, is set aside and put back around the swap.
            QStringLiteral("CREATE TABLE config_version_v10 ("
                           " id INTEGER PRIMARY KEY,"
                           " kind TEXT NOT NULL CHECK (kind IN ('model','landscape','contracts')),"
                           " version TEXT NOT NULL, content_hash TEXT NOT NULL, document TEXT NOT NULL,"
                           " origin TEXT NOT NULL, effective_at INTEGER NOT NULL, loaded_by TEXT NOT NULL)"),
            QStringLiteral("INSERT INTO config_version_v10(id, kind, version, content_hash, document, origin,"
                           " effective_at, loaded_by) SELECT id, kind, version, content_hash, document, origin,"
                           " effective_at, loaded_by FROM config_version"),
            QStringLiteral("CREATE TEMP TABLE ownership_v10 AS SELECT * FROM ownership"),
            QStringLiteral("DELETE FROM ownership"),
            QStringLiteral("DROP TABLE config_version"),
            QStringLiteral("ALTER TABLE config_version_v10 RENAME TO config_version"),
            QStringLiteral("INSERT INTO ownership SELECT * FROM temp.ownership_v10"),
            QStringLiteral("DROP TABLE temp.ownership_v10"),
        },
        // ---- version 11 -----------------------------------------------------------------------------
        {
            // Initial loads (docs/ONBOARDING.md): a job sends the current state of every object a target's
            // subscriptions match, domain by domain in dependency order. `plan` is the steps as JSON
            // ([{"subscription","domain","objects"}]); `step` and `cursor` (the last object id looked at in the
            // step's domain) advance in the transaction that queues the deliveries, so a restart resumes where the
            // last committed chunk ended: nothing is queued twice, nothing is skipped.
            QStringLiteral("CREATE TABLE onboard_job ("
                           " id INTEGER PRIMARY KEY, target_id TEXT NOT NULL,"
                           " status TEXT NOT NULL CHECK (status IN ('running','paused','cancelled','done')),"
                           " reason TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL,"
                           " updated_at INTEGER NOT NULL, plan TEXT NOT NULL, step INTEGER NOT NULL DEFAULT 0,"
                           " cursor INTEGER NOT NULL DEFAULT 0, queued INTEGER NOT NULL DEFAULT 0,"
                           " skipped INTEGER NOT NULL DEFAULT 0, queued_all_at INTEGER, done_at INTEGER)"),
            QStringLiteral("CREATE INDEX onboard_job_target ON onboard_job(target_id, status)"),
            QStringLiteral("CREATE TABLE onboard_delivery ("
                           " job_id INTEGER NOT NULL, delivery_id INTEGER NOT NULL,"
                           " PRIMARY KEY (job_id, delivery_id)) WITHOUT ROWID"),
        },
        // ---- version 12 -----------------------------------------------------------------------------
        {
            // Retention (docs/RETENTION.md): an archive file written by `mdsyncctl archive` holds the payloads
            // (state) of superseded revisions; its manifest's SHA-256 is also in the audit entry archive.create.
            QStringLiteral("CREATE TABLE archive ("
                           " id INTEGER PRIMARY KEY, file_name TEXT NOT NULL UNIQUE, file_sha256 TEXT NOT NULL,"
                           " manifest_name TEXT NOT NULL, manifest_sha256 TEXT NOT NULL, domains TEXT NOT NULL,"
                           " revisions INTEGER NOT NULL, bytes INTEGER NOT NULL, created_at INTEGER NOT NULL,"
                           " actor TEXT NOT NULL, reason TEXT NOT NULL)"),
            QStringLiteral("CREATE TRIGGER archive_immutable BEFORE UPDATE ON archive"
                           " BEGIN SELECT RAISE(ABORT, 'archive records are immutable'); END"),
            QStringLiteral("CREATE TRIGGER archive_no_delete BEFORE DELETE ON archive"
                           " BEGIN SELECT RAISE(ABORT, 'archive records are immutable'); END"),
            // An archived revision keeps its row (number, hash, source, lineage); its state is '', its changed keeps
            // the attribute names (and an enrichment's system and rule) without the values, and archived_in names the
            // archive. That one change is the only update a revision allows.
            // (archived_in holds an archive.id; without a REFERENCES clause so that the column can be dropped.)
            QStringLiteral("ALTER TABLE revision ADD COLUMN archived_in INTEGER"),
            QStringLiteral("DROP TRIGGER revision_immutable"),
            QStringLiteral("CREATE TRIGGER revision_immutable BEFORE UPDATE ON revision WHEN NOT ("
                           " OLD.archived_in IS NULL AND NEW.archived_in IS NOT NULL AND NEW.state = ''"
                           " AND NEW.id = OLD.id AND NEW.object_id = OLD.object_id"
                           " AND NEW.revision_no = OLD.revision_no AND NEW.op = OLD.op"
                           " AND NEW.source_system = OLD.source_system AND NEW.actor = OLD.actor"
                           " AND NEW.event_id IS OLD.event_id AND NEW.correlation_id = OLD.correlation_id"
                           " AND NEW.occurred_at IS OLD.occurred_at AND NEW.received_at = OLD.received_at"
                           " AND NEW.model_version = OLD.model_version AND NEW.content_hash = OLD.content_hash)"
                           " BEGIN SELECT RAISE(ABORT, 'revisions are immutable'); END"),
        },
        // ---- version 13 -----------------------------------------------------------------------------
        {
            // Merges of duplicates (docs/DUPLICATES.md "Merging"): `merged` (its key becomes an alias) into `survivor`.
            // Awaiting approval in a domain with critical groups (four-eyes), then applied or rejected. While applied,
            // events for the merged key update the survivor and references to it are redirected: one applied merge per
            // merged key.
            QStringLiteral("CREATE TABLE object_merge ("
                           " id INTEGER PRIMARY KEY, domain TEXT NOT NULL, merged_id INTEGER NOT NULL,"
                           " merged_key TEXT NOT NULL, survivor_id INTEGER NOT NULL, survivor_key TEXT NOT NULL,"
                           " status TEXT NOT NULL CHECK (status IN ('awaiting_approval','applied','rejected')),"
                           " reason TEXT NOT NULL, proposed_by TEXT NOT NULL, proposed_at INTEGER NOT NULL,"
                           " decided_by TEXT, decided_at INTEGER, decision_reason TEXT, exception_id INTEGER,"
                           " applied_at INTEGER, detail TEXT, CHECK (merged_id <> survivor_id))"),
            QStringLiteral("CREATE UNIQUE INDEX object_merge_alias ON object_merge(domain, merged_key)"
                           " WHERE status = 'applied'"),
            QStringLiteral("CREATE INDEX object_merge_objects ON object_merge(merged_id, survivor_id)"),
        },
        // ---- version 14 -----------------------------------------------------------------------------
        {
            // The idempotency key is a hash, so a UNIQUE index on it alone takes every new delivery to a random
            // place in a B-tree of all deliveries ever queued: the single largest cost of the outbox's rows, and it
            // grows with the workspace (docs/BENCHMARKS.md "What the schema costs"). Keys are unique within their
            // revision instead (revision ids grow, so new entries go to the end of the index). The key hashes the
            // revision's instance, domain, key and number, so two revisions never share one; within a revision the
            // index still refuses a second delivery with the same key. Nothing looks a delivery up by its key alone.
            QStringLiteral("CREATE TABLE delivery_v14 ("
                           " id INTEGER PRIMARY KEY, revision_id INTEGER NOT NULL REFERENCES revision(id),"
                           " object_id INTEGER NOT NULL, revision_no INTEGER NOT NULL, target_id TEXT NOT NULL,"
                           " subscription_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
                           " due_at INTEGER NOT NULL, next_attempt_at INTEGER, idempotency_key TEXT NOT NULL,"
                           " contract_version TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
                           " acked_at INTEGER, latency_ms INTEGER, last_error TEXT, exception_id INTEGER,"
                           " payload_override TEXT)"),
            QStringLiteral("INSERT INTO delivery_v14 SELECT id, revision_id, object_id, revision_no, target_id,"
                           " subscription_id, status, attempts, due_at, next_attempt_at, idempotency_key,"
                           " contract_version, created_at, updated_at, acked_at, latency_ms, last_error, exception_id,"
                           " payload_override FROM delivery"),
            QStringLiteral("DROP TABLE delivery"),
            QStringLiteral("ALTER TABLE delivery_v14 RENAME TO delivery"),
            QStringLiteral("CREATE INDEX delivery_due ON delivery(target_id, due_at)"
                           " WHERE status IN ('pending','retry_wait','in_flight','held')"),
            QStringLiteral("CREATE INDEX delivery_object ON delivery(object_id, target_id, revision_no)"),
            QStringLiteral("CREATE INDEX delivery_blocked ON delivery(target_id, due_at, id)"
                           " WHERE status = 'blocked_by_outage'"),
            QStringLiteral("CREATE UNIQUE INDEX delivery_key ON delivery(revision_id, idempotency_key)"),
            // The description's FTS5 index is written once per transaction instead of per object: FTS5 writes its
            // pending terms out at every savepoint and statement journal, so the triggers of version 4 made a new
            // index segment for every ingested event (13 % of the ingest's instructions). The triggers now queue
            // the object, with the text the index holds for it (NULL: none yet); Workspace::commit indexes the
            // queue. The index is current at every commit, as before.
            QStringLiteral("CREATE TABLE object_text_pending (id INTEGER PRIMARY KEY, indexed TEXT)"),
            QStringLiteral("DROP TRIGGER object_text_insert"),
            QStringLiteral("DROP TRIGGER object_text_update"),
            QStringLiteral("CREATE TRIGGER object_text_insert AFTER INSERT ON object BEGIN"
                           " INSERT INTO object_text_pending(id, indexed) VALUES (new.id, NULL)"
                           " ON CONFLICT(id) DO NOTHING; END"),
            QStringLiteral(
                "CREATE TRIGGER object_text_update AFTER UPDATE OF description ON object"
                " WHEN coalesce(old.description, '') <> coalesce(new.description, '') BEGIN"
                " INSERT INTO object_text_pending(id, indexed) VALUES (old.id, coalesce(old.description, ''))"
                " ON CONFLICT(id) DO NOTHING; END"),
        },
        // Version 15: delivery_due's predicate as a range. SQLite evaluates an `IN (...)` list in a partial index's
        // WHERE through a temporary table built at every INSERT and UPDATE of a delivery (twice for an UPDATE):
        // 2-3 times the cost of two comparisons. The range holds the same four statuses (deliverystatus.h checks it
        // at compile time); queries state both (sqlOpenStatusCondition), so PostgreSQL's index keeps its list.
        {
            QStringLiteral("DROP INDEX delivery_due"),
            QStringLiteral("CREATE INDEX delivery_due ON delivery(target_id, due_at)"
                           " WHERE status BETWEEN 'held' AND 'retry_wait'"),
        },
    };
    return all;
}

} // namespace mdsync::schema
