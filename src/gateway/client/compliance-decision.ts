/**
 * When a compliance result should stop an agent turn or a workflow: when the policy would not let the
 * content leave as it is (its action is block or redact). Findings the policy only logs (e.g. a name or
 * an email under enterprise_standard) do not stop anything. For gateways whose result has no `action`,
 * fall back to "has violations above low risk".
 */
import type { ComplianceResult } from './types.js';

export function shouldBlock(r: ComplianceResult): boolean {
  const action = typeof r.action === 'string' ? r.action : undefined;
  if (action) return action === 'block' || action === 'redact';
  return r.has_violations && r.risk_level !== 'low';
}
