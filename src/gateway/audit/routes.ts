/**
 * The audit log over the gateway's management API (and the main listener): list, one entry, analytics
 * and streamed export. Paths and every query parameter are documented in docs/audit.md. `export` is
 * registered before `:requestId` so "export" is never taken for a request id.
 */
import { GatewayError } from '../errors.js';
import type { Route, RouteRequest } from '../server/route.js';
import type { LogQuery, LogStatus } from './query.js';
import type { AuditStore, ExportFormat } from './store.js';

const STATUSES: LogStatus[] = ['ok', 'error', 'violated', 'cached'];

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0) {
    throw new GatewayError('invalid_request', `Query parameter "${name}" must be a whole number (got "${v}").`);
  }
  return n;
}

function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new GatewayError('invalid_request', `Query parameter "${name}" must be true or false (got "${v}").`);
}

function str(q: URLSearchParams, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = q.get(n);
    if (v !== null && v !== '') return v;
  }
  return undefined;
}

/** Query string -> LogQuery (snake_case as the reference's client sends, camelCase accepted too). */
export function logQueryFromParams(q: URLSearchParams): LogQuery {
  const status = str(q, 'status');
  if (status !== undefined && !STATUSES.includes(status as LogStatus)) {
    throw new GatewayError('invalid_request', `Query parameter "status" must be one of ${STATUSES.join(', ')} (got "${status}").`);
  }
  const compliance = str(q, 'compliance');
  if (compliance !== undefined && compliance !== 'compliant' && compliance !== 'violated') {
    throw new GatewayError('invalid_request', `Query parameter "compliance" must be compliant or violated (got "${compliance}").`);
  }
  const days = intParam(q, 'days');
  if (days === 0) throw new GatewayError('invalid_request', 'Query parameter "days" must be at least 1 (leave it out for all days).');
  const limit = intParam(q, 'limit');
  if (limit === 0) throw new GatewayError('invalid_request', 'Query parameter "limit" must be from 1 to 1000.');
  return {
    limit,
    offset: intParam(q, 'offset'),
    cursor: str(q, 'cursor'),
    provider: str(q, 'provider'),
    model: str(q, 'model'),
    days,
    start: str(q, 'start_date', 'start'),
    end: str(q, 'end_date', 'end'),
    userId: str(q, 'user_id', 'userId'),
    conversationId: str(q, 'conversation_id', 'conversationId'),
    status: status as LogStatus | undefined,
    compliance: compliance as LogQuery['compliance'],
    cached: boolParam(q, 'cached'),
    text: str(q, 'text', 'q'),
  };
}

/** Routes for the audit store; mount on the main and management listeners. */
export function auditRoutes(store: AuditStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/logs/export',
      surfaces: ['management'],
      async handler(req: RouteRequest) {
        const format = (req.query.get('format') ?? 'jsonl') as ExportFormat;
        if (format !== 'csv' && format !== 'jsonl') {
          throw new GatewayError('invalid_request', `Query parameter "format" must be csv or jsonl (got "${format}").`);
        }
        const q = logQueryFromParams(req.query);
        const iterable = store.exportLogs(q, format);
        // Pull the first chunk here so a bad filter or an unavailable store is a proper error response,
        // not a 200 with a truncated body.
        const it = iterable[Symbol.asyncIterator]();
        const first = await it.next();
        async function* body() {
          if (!first.done) yield first.value;
          for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
        }
        const stamp = new Date().toISOString().slice(0, 10);
        return {
          stream: body(),
          contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
          headers: { 'content-disposition': `attachment; filename="smartflow-logs-${stamp}.${format}"` },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/logs/:requestId',
      surfaces: ['management'],
      async handler(req: RouteRequest) {
        const log = await store.getLog(req.params.requestId);
        if (!log) throw new GatewayError('not_found', `No audit log entry for request id "${req.params.requestId}" (it may be older than the retention period).`);
        return { json: log };
      },
    },
    {
      method: 'GET',
      path: '/api/logs',
      surfaces: ['management'],
      async handler(req: RouteRequest) {
        const page = await store.getLogs(logQueryFromParams(req.query));
        return { json: { logs: page.logs, count: page.logs.length, next_cursor: page.next_cursor } };
      },
    },
    {
      method: 'GET',
      path: '/api/analytics',
      surfaces: ['management'],
      async handler(req: RouteRequest) {
        return { json: await store.getAnalytics({ start: str(req.query, 'start_date', 'start'), end: str(req.query, 'end_date', 'end') }) };
      },
    },
  ];
}
