/**
 * The audit log ("VAS logs") and usage analytics: public surface of src/gateway/audit.
 * The composition root opens the store once (`openAuditStore`), passes it to createGateway as the
 * AuditSink, and mounts `auditRoutes(store)` on the server.
 */
export { openAuditStore } from './store.js';
export type { AuditStore, AuditStoreOptions, AuditStoreStatus, ExportFormat } from './store.js';
export { auditRoutes, logQueryFromParams } from './routes.js';
export type { VASLog } from './vaslog.js';
export type { LogQuery, LogPage, LogStatus } from './query.js';
export type { Analytics, AnalyticsQuery, UsageAggregate } from './analytics.js';
export { scrubSecrets } from './scrub.js';
export { CSV_COLUMNS } from './export.js';
export { SCHEMA_VERSION } from './schema.js';
