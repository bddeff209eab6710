# The layers of core/ (docs/ARCHITECTURE.md, "Layers"), the one table that the build and the `layers` test check
# against. One folder of core/ is one layer and one static library target, mdsync_<layer>.
#
# MDSYNC_LAYERS is ordered lowest first: a layer's files may include headers of its own folder and of the
# layers before it, never of a layer after it. Its target links only targets of the layers before it.
# MDSYNC_TOP_LAYERS sit above all of those and are included by no other layer of core/: report (the PDF report,
# the only core target that links QtGui) and demo (the simulated landscape and live demo, which the production
# layers neither include nor link; the apps and the tests link it).
set(MDSYNC_LAYERS
    util # Result<T>, text, time, hashing, JSON files, the built-in resources
    model # canonical domains and schemas, units of measure
    policy # the landscape: systems, ownership, subscriptions, SLAs
    contract # canonical -> target payload mappings
    connectors # the Connector interface and the REST, file-drop and Tryton transports
    store # the workspace: SQLite schema, migrations, statements, read queries, idempotency keys
    access # roles and permissions (who may do what)
    audit # the hash-chained audit log, exports, verification, authority at a point in time
    config # the configuration in force: model, landscape and contracts versions in the workspace (audited)
    metrics # KPIs and alert rules
    sync # ingest pipeline, dispatcher, inbox, inbound webhook, reconciliation
    steward # exception actions, corrections, replay, fix rules, configuration changes, role grants
    engine # the embedded core (workspace + pipeline + dispatcher) and the GUI's core thread service
)
set(MDSYNC_TOP_LAYERS
    report # the PDF audit report (QtGui)
    demo # the simulated landscape and the live demo
)
