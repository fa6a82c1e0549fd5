/**
 * The reference SDK's compliance HTTP API (served on the main port and the compliance surface):
 * intelligent scan, rule-based check, redact, feedback, learning summary/status, ML stats, org
 * baseline/summary and health. Bodies are validated here; errors say what was wrong and what to send.
 */
import type { Route, RouteRequest, RouteResult } from '../server/route.js';
import { GatewayError } from '../errors.js';
import type { ComplianceEngine } from './engine.js';

/** Largest content accepted by the scan endpoints (the server's body limit applies first). */
const MAX_CONTENT = 5 * 1024 * 1024;

function body(req: RouteRequest): Record<string, unknown> {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    throw new GatewayError('invalid_request', 'Send a JSON object body, e.g. {"content": "text to scan"}.');
  }
  return req.body as Record<string, unknown>;
}

function content(b: Record<string, unknown>): string {
  if (typeof b.content !== 'string') throw new GatewayError('invalid_request', 'Field "content" is required and must be a string.');
  if (b.content.length > MAX_CONTENT) throw new GatewayError('payload_too_large', `"content" is larger than ${MAX_CONTENT} characters; split it and scan the parts.`);
  return b.content;
}

function optString(b: Record<string, unknown>, k: string): string | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new GatewayError('invalid_request', `Field "${k}" must be a string when given.`);
  return v;
}

const json = (j: unknown, status = 200): RouteResult => ({ status, json: j });

export function complianceRoutes(engine: ComplianceEngine): Route[] {
  const surfaces: Route['surfaces'] = ['compliance'];
  return [
    {
      method: 'POST',
      path: '/api/compliance/intelligent/scan',
      surfaces,
      handler: (req) => {
        const b = body(req);
        return json(
          engine.intelligentScan({
            content: content(b),
            user_id: optString(b, 'user_id') ?? req.ctx.userId,
            org_id: optString(b, 'org_id') ?? req.ctx.orgId,
            context: optString(b, 'context'),
          }),
        );
      },
    },
    {
      method: 'POST',
      path: '/api/compliance/check',
      surfaces,
      handler: (req) => {
        const b = body(req);
        const policy = optString(b, 'policy');
        if (policy && !engine.policyNames().includes(policy)) {
          throw new GatewayError('invalid_request', `Unknown policy "${policy}". Use one of: ${engine.policyNames().join(', ')}.`);
        }
        return json(engine.checkCompliance(content(b), policy));
      },
    },
    {
      method: 'POST',
      path: '/api/compliance/redact',
      surfaces,
      handler: (req) => {
        const b = body(req);
        const c = content(b);
        const redacted = engine.redactPii(c);
        return json({ redacted_content: redacted, content: redacted, changed: redacted !== c });
      },
    },
    {
      method: 'POST',
      path: '/api/compliance/feedback',
      surfaces,
      handler: (req) => {
        const b = body(req);
        const scanId = optString(b, 'scan_id');
        if (!scanId) throw new GatewayError('invalid_request', 'Field "scan_id" is required: use the scan_id returned by /api/compliance/intelligent/scan.');
        if (typeof b.is_false_positive !== 'boolean') throw new GatewayError('invalid_request', 'Field "is_false_positive" is required and must be true or false.');
        const idx = b.finding_index;
        if (idx !== undefined && idx !== null && (typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0)) {
          throw new GatewayError('invalid_request', 'Field "finding_index" must be a non-negative integer when given.');
        }
        const r = engine.submitFeedback({
          scan_id: scanId,
          is_false_positive: b.is_false_positive,
          user_id: optString(b, 'user_id') ?? req.ctx.userId,
          notes: optString(b, 'notes'),
          finding_index: typeof idx === 'number' ? idx : undefined,
        });
        if (!r.success && r.message.startsWith('Unknown scan_id')) return json({ ...r, error: { message: r.message, type: 'not_found' } }, 404);
        if (!r.success) return json(r, r.applied_to === 0 && /out of range/.test(r.message) ? 400 : 503);
        return json(r);
      },
    },
    { method: 'GET', path: '/api/compliance/learning/summary', surfaces, handler: () => json(engine.getLearningSummary()) },
    { method: 'GET', path: '/api/compliance/learning/status/:userId', surfaces, handler: (req) => json(engine.getLearningStatus(req.params.userId)) },
    { method: 'GET', path: '/api/compliance/ml/stats', surfaces, handler: () => json(engine.getMlStats()) },
    { method: 'GET', path: '/api/compliance/baseline/:orgId', surfaces, handler: (req) => json(engine.getOrgBaseline(req.params.orgId)) },
    { method: 'GET', path: '/api/compliance/org/summary', surfaces, handler: () => json(engine.getOrgSummary()) },
    { method: 'GET', path: '/api/compliance/health', surfaces, handler: () => json(engine.health()) },
    // The reference also names the intelligent engine's health endpoint.
    { method: 'GET', path: '/api/compliance/intelligent/health', surfaces, handler: () => json(engine.health()) },
  ];
}
