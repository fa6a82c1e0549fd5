/**
 * The compliance engine: ties detection (layers 1–2), policies, redaction, stream scanning and the
 * learning store (layer 3 + feedback) together behind the gateway's ComplianceLayer and the reference
 * SDK's compliance methods. If the learning store cannot be opened the engine still scans, and says
 * so in every result (`learning_enabled: false`) and in health().
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ChatMessage, ChatRequest, Clock, ComplianceLayer, ComplianceSummary, Logger, PromptDecision, RequestContext, ResponseScanner } from '../types.js';
import type { ComplianceConfig } from '../config.js';
import { openDatabase } from '../storage/sqlite.js';
import type {
  BehaviorDeviation,
  ComplianceResult,
  EntityType,
  FeedbackInput,
  FeedbackResult,
  Finding,
  IntelligentScanResult,
  LearningStatus,
  LearningSummary,
  MLStats,
  OrgBaseline,
  PolicyAction,
  PolicyDefinition,
  RawFinding,
  RecommendedAction,
  ViolationDetail,
} from './types.js';
import { detect, plainFinding, REPORT_THRESHOLD } from './detect.js';
import { actionFor, PolicySet, SEVERITY } from './policies.js';
import { Redactor } from './redact.js';
import { createStreamScanner } from './stream.js';
import { dayOf, LearningStore, type StoredFinding } from './store.js';

export interface ComplianceEngineOptions {
  /** Folder for compliance.db; null = no learning store (scans still work). */
  dataDir: string | null;
  config: ComplianceConfig;
  clock: Clock;
  logger: Logger;
  /** better-sqlite3 binding for the host (Electron). */
  nativeBinding?: string;
}

export interface IntelligentScanInput {
  content: string;
  user_id?: string;
  org_id?: string;
  context?: string;
}

export interface ComplianceHealth {
  status: 'healthy' | 'degraded';
  learning_enabled: boolean;
  storage_engine: string | null;
  storage_error: string | null;
  default_policy: string;
  policies: string[];
  enabled: boolean;
}

export interface ComplianceEngine extends ComplianceLayer {
  intelligentScan(input: IntelligentScanInput): IntelligentScanResult;
  checkCompliance(content: string, policy?: string): ComplianceResult;
  redactPii(content: string): string;
  submitFeedback(input: FeedbackInput): FeedbackResult;
  getLearningSummary(): LearningSummary;
  getLearningStatus(userId: string): LearningStatus;
  getMlStats(): MLStats;
  getOrgBaseline(orgId: string): OrgBaseline;
  getOrgSummary(): Record<string, unknown>;
  health(): ComplianceHealth;
  policyNames(): string[];
  close(): void;
}

const SEVERITY_WEIGHT = { critical: 0.85, high: 0.6, medium: 0.3, low: 0.12 } as const;
const DAY_MS = 24 * 3600 * 1000;

export function createComplianceEngine(opts: ComplianceEngineOptions): ComplianceEngine {
  const { config, clock, logger } = opts;
  const policies = new PolicySet(config.customPolicies ?? {});
  if (!policies.has(config.policy)) {
    throw new Error(`Unknown compliance policy "${config.policy}" in config. Use one of: ${policies.names().join(', ')}.`);
  }
  let store: LearningStore | null = null;
  let storageError: string | null = null;
  let storageEngine: string | null = null;
  if (opts.dataDir) {
    try {
      const db = openDatabase(join(opts.dataDir, 'compliance.db'), { nativeBinding: opts.nativeBinding });
      storageEngine = db.engine;
      store = new LearningStore(db, (e, scans) =>
        logger.warn('compliance learning store: a background write failed; those scan records are not kept', { scans, error: e.message }),
      );
    } catch (e) {
      storageError = `Compliance learning store unavailable (${(e as Error).message}); scanning continues without baselines or feedback.`;
      logger.warn(storageError);
    }
  } else {
    storageError = 'No data folder configured: compliance scanning runs without baselines or feedback.';
  }

  /** Runs a store operation; a storage failure disables learning instead of failing the scan. */
  const safe = <T>(what: string, fn: (s: LearningStore) => T, fallback: T): T => {
    if (!store) return fallback;
    try {
      return fn(store);
    } catch (e) {
      logger.warn('compliance learning store error', { op: what, error: (e as Error).message });
      return fallback;
    }
  };

  /** Detection plus what feedback taught for this org: suppressed values and recognizer adjustments. */
  const detectForOrg = (text: string, orgId: string, context?: string): { findings: RawFinding[]; suppressed: number } => {
    const raw = detect(text, { context });
    if (!store || !raw.length) return { findings: raw, suppressed: 0 };
    const fps = safe('fp-set', (s) => s.falsePositiveSet(orgId), new Set<string>());
    const adj = safe('adjust', (s) => s.recognizerAdjustments(orgId), new Map<string, number>());
    let suppressed = 0;
    const out: RawFinding[] = [];
    for (const f of raw) {
      if (fps.size && fps.has(store.fingerprint(f.type, f.value))) {
        suppressed++;
        continue;
      }
      const a = adj.get(f.recognizer) ?? 0;
      const conf = Math.round(Math.max(0, Math.min(0.99, f.confidence + a)) * 100) / 100;
      if (conf < REPORT_THRESHOLD) {
        suppressed++;
        continue;
      }
      out.push(a ? plainFinding(f, { confidence: conf }) : f);
    }
    return { findings: out, suppressed };
  };

  const toStored = (f: RawFinding): StoredFinding => ({
    type: f.type,
    recognizer: f.recognizer,
    masked: f.masked,
    confidence: f.confidence,
    fp: store ? store.fingerprint(f.type, f.value) : '',
  });

  const publicFinding = (f: RawFinding): Finding => ({
    type: f.type,
    start: f.start,
    end: f.end,
    confidence: f.confidence,
    recognizer: f.recognizer,
    masked: f.masked,
    layer: f.layer,
  });

  const riskOf = (findings: RawFinding[]): number => {
    let keep = 1;
    for (const f of findings) keep *= 1 - SEVERITY_WEIGHT[SEVERITY[f.type]] * f.confidence;
    return 1 - keep;
  };

  /** Layer 3: today's violations vs this user's and org's baseline over the learning period. */
  const deviations = (findings: RawFinding[], userId: string | undefined, orgId: string): BehaviorDeviation[] => {
    if (!store || !findings.length) return [];
    return safe(
      'baseline',
      (s) => {
        const out: BehaviorDeviation[] = [];
        const now = clock.wallNow();
        const today = dayOf(now);
        const from = dayOf(now - config.learningDays * DAY_MS);
        const yesterday = dayOf(now - DAY_MS);
        const byType = new Map<EntityType, number>();
        for (const f of findings) byType.set(f.type, (byType.get(f.type) ?? 0) + 1);
        const check = (subject: string, kind: 'user_rate' | 'org_rate', label: string) => {
          const rows = s.dailyCounts(subject, from, yesterday);
          const days = new Set(rows.filter((r) => r.type === '__scans__').map((r) => r.day)).size;
          if (days === 0) return;
          const todayRows = s.dailyCounts(subject, today, today);
          for (const [type, n] of byType) {
            const hist = rows.filter((r) => r.type === type).reduce((a, r) => a + r.count, 0);
            const avg = hist / days;
            const todayCount = (todayRows.find((r) => r.type === type)?.count ?? 0) + n;
            if (hist === 0 && days >= 3 && kind === 'user_rate') {
              out.push({ kind: 'new_type', entity_type: type, observed: todayCount, baseline: 0, description: `${label} has not sent ${type} in ${days} tracked days.`, risk_contribution: 0.1 });
            } else if (todayCount >= 3 && todayCount > Math.max(3 * avg, avg + 3)) {
              out.push({ kind, entity_type: type, observed: todayCount, baseline: Math.round(avg * 100) / 100, description: `${label} sent ${todayCount} ${type} today vs a baseline of ${avg.toFixed(2)}/day.`, risk_contribution: 0.15 });
            }
          }
        };
        if (userId) check(`user:${userId}`, 'user_rate', `User ${userId}`);
        check(`org:${orgId}`, 'org_rate', `Org ${orgId}`);
        return out;
      },
      [],
    );
  };

  const detail = (f: RawFinding): ViolationDetail => ({
    violation_type: f.type,
    severity: SEVERITY[f.type],
    start: f.start,
    end: f.end,
    confidence: f.confidence,
    recognizer: f.recognizer,
    masked: f.masked,
  });

  const summarize = (findings: RawFinding[], policy: PolicyDefinition, action: PolicyAction, riskScore?: number, redactedByType: Record<string, number> = {}): ComplianceSummary => ({
    status: findings.some((f) => actionFor(policy, f.type) !== 'allow') ? 'violated' : 'compliant',
    action,
    redactedByType,
    violations: findings.filter((f) => actionFor(policy, f.type) !== 'allow').map((f) => ({ type: f.type, start: f.start, end: f.end, confidence: f.confidence, recognizer: f.recognizer, masked: f.masked })),
    riskScore,
    policy: policy.name,
  });

  const decide = (findings: RawFinding[], policy: PolicyDefinition): PolicyAction => {
    let action: PolicyAction = 'allow';
    for (const f of findings) {
      if (f.confidence < policy.minConfidence) continue;
      const a = actionFor(policy, f.type);
      if (a === 'block') return 'block';
      if (a === 'redact') action = 'redact';
      else if (a === 'log' && action === 'allow') action = 'log';
    }
    return action;
  };

  const recordScan = (scanId: string, findings: RawFinding[], userId: string | null, orgId: string, risk: number, action: string) =>
    safe('record', (s) => s.recordScan({ scan_id: scanId, ts: clock.wallNow(), user_id: userId, org_id: orgId, findings: findings.map(toStored), risk, action }), undefined);

  const defaultPolicy = () => policies.get(config.policy);

  const engine: ComplianceEngine = {
    async scanPrompt(req: ChatRequest, ctx: RequestContext): Promise<PromptDecision> {
      const policy = defaultPolicy();
      const orgId = ctx.orgId ?? config.orgId;
      if (!config.enabled) {
        return { action: 'allow', request: req, summary: summarize([], policy, 'allow'), redactedPromptText: promptText(req.messages) };
      }
      const redactor = new Redactor(config.reversible);
      // Scan each text segment separately (offsets below are into the joined prompt text).
      const perSegment = new Map<string, RawFinding[]>();
      const all: RawFinding[] = [];
      let offset = 0;
      forEachText(req.messages, (key, text) => {
        const { findings } = detectForOrg(text, orgId);
        perSegment.set(key, findings);
        for (const f of findings) all.push(offset ? plainFinding(f, { start: f.start + offset, end: f.end + offset }) : f);
        offset += text.length + 2;
      });
      const action = decide(all, policy);
      const risk = Math.round(riskOf(all) * 1000) / 1000;
      recordScan(`prm_${ctx.requestId}`, all, ctx.userId ?? null, orgId, risk, action);
      const toRedact = (f: RawFinding) => {
        const a = actionFor(policy, f.type);
        return (a === 'redact' || a === 'block') && f.confidence >= policy.minConfidence;
      };
      const redactedByType: Record<string, number> = {};
      const redactSegment = (key: string, text: string): string => {
        const fs = (perSegment.get(key) ?? []).filter(toRedact);
        for (const f of fs) redactedByType[f.type] = (redactedByType[f.type] ?? 0) + 1;
        return redactor.apply(text, fs);
      };
      let request = req;
      if (action === 'redact') request = { ...req, messages: mapTexts(req.messages, redactSegment) };
      const redactedPromptText = promptText(request.messages);
      const summary = summarize(all, policy, action, risk, action === 'redact' ? redactedByType : {});
      if (action === 'block') {
        const blockers = all.filter((f) => actionFor(policy, f.type) === 'block' && f.confidence >= policy.minConfidence);
        const kinds = [...new Set(blockers.map((f) => `${f.type} (${f.masked})`))].join(', ');
        const safeText = promptText(mapTexts(req.messages, redactSegment));
        return {
          action,
          request: req,
          summary,
          explanation: `Blocked by the "${policy.name}" compliance policy: the prompt contains ${kinds}. Remove these values (or replace them with placeholders) and send again, or ask your administrator for a policy that redacts instead of blocking.`,
          redactedPromptText: safeText,
        };
      }
      return {
        action,
        request,
        summary,
        restore: config.reversible && redactor.hasMappings ? redactor.restore : undefined,
        redactedPromptText,
      };
    },

    responseScanner(ctx: RequestContext, restore?: (text: string) => string): ResponseScanner {
      const policy = defaultPolicy();
      const orgId = ctx.orgId ?? config.orgId;
      const redactor = new Redactor(false);
      if (!config.enabled || !config.scanResponses) {
        return { push: (d) => (restore ? restore(d) : d), flush: () => '', findings: () => [] };
      }
      return createStreamScanner({
        detect: (t) => detectForOrg(t, orgId).findings,
        shouldRedact: (f) => {
          const a = actionFor(policy, f.type);
          return (a === 'redact' || a === 'block') && f.confidence >= policy.minConfidence;
        },
        placeholder: (f) => redactor.placeholder(f),
        restore,
      });
    },

    redactText(text: string): string {
      if (!text) return text;
      const policy = defaultPolicy();
      const fs = detect(text).filter((f) => actionFor(policy, f.type) !== 'allow');
      return new Redactor(false).apply(text, fs);
    },

    intelligentScan(input: IntelligentScanInput): IntelligentScanResult {
      const t0 = clock.now();
      const content = typeof input.content === 'string' ? input.content : '';
      const orgId = input.org_id ?? config.orgId;
      const policy = defaultPolicy();
      const { findings, suppressed } = detectForOrg(content, orgId, input.context);
      const devs = deviations(findings, input.user_id, orgId);
      const base = riskOf(findings);
      const devRisk = Math.min(0.3, devs.reduce((a, d) => a + d.risk_contribution, 0));
      const risk = Math.round(Math.min(1, base + (findings.length ? devRisk : 0)) * 1000) / 1000;
      const blocked = findings.some((f) => actionFor(policy, f.type) === 'block' && f.confidence >= policy.minConfidence);
      const recommended: RecommendedAction = blocked || risk >= 0.9 ? 'Block' : risk >= 0.6 || (devs.length > 0 && risk >= 0.4) ? 'Review' : findings.length ? 'AllowAndLog' : 'Allow';
      const scanId = `scan_${randomUUID()}`;
      recordScan(scanId, findings, input.user_id ?? null, orgId, risk, recommended);
      const counts = new Map<string, number>();
      for (const f of findings) counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
      const parts = [...counts].map(([t, n]) => `${n} ${t}`);
      const explanation = findings.length
        ? `Found ${parts.join(', ')}; risk ${risk.toFixed(2)} → ${recommended}${blocked ? ` (the "${policy.name}" policy blocks ${[...new Set(findings.filter((f) => actionFor(policy, f.type) === 'block').map((f) => f.type))].join(', ')})` : ''}.${devs.length ? ` Behaviour: ${devs.map((d) => d.description).join(' ')}` : ''}${suppressed ? ` ${suppressed} finding(s) suppressed by earlier false-positive feedback.` : ''}`
        : `No personal data or secrets found.${suppressed ? ` ${suppressed} finding(s) suppressed by earlier false-positive feedback.` : ''}`;
      return {
        scan_id: scanId,
        has_violations: findings.length > 0,
        risk_score: risk,
        recommended_action: recommended,
        explanation,
        regex_violations: findings.filter((f) => f.layer === 'regex').map(detail),
        ml_violations: findings.filter((f) => f.layer === 'ml').map(detail),
        behavior_deviations: devs,
        processing_time_us: Math.max(1, Math.round((clock.now() - t0) * 1000)),
        findings: findings.map(publicFinding),
        learning_enabled: store !== null,
        suppressed_count: suppressed,
      };
    },

    checkCompliance(content: string, policyName?: string): ComplianceResult {
      const policy = policies.get(policyName ?? config.policy);
      const { findings } = detectForOrg(content ?? '', config.orgId);
      const relevant = findings.filter((f) => actionFor(policy, f.type) !== 'allow' && f.confidence >= policy.minConfidence);
      const action = decide(relevant, policy);
      const risk = riskOf(relevant);
      const sev = relevant.map((f) => SEVERITY[f.type]);
      const risk_level = sev.includes('critical') || action === 'block' ? 'critical' : sev.includes('high') ? 'high' : sev.includes('medium') ? 'medium' : 'low';
      const types = [...new Set(relevant.map((f) => f.type))];
      const recommendations: string[] = [];
      for (const t of types) {
        const a = actionFor(policy, t);
        recommendations.push(
          a === 'block'
            ? `Remove the ${t} value: the ${policy.name} policy blocks requests that contain it.`
            : a === 'redact'
              ? `${t} will be replaced with [${t}] before the request leaves; use redacted_content to share safely.`
              : `${t} is allowed but logged under ${policy.name}; remove it if the model does not need it.`,
        );
      }
      return {
        has_violations: relevant.length > 0,
        compliance_score: Math.round((1 - risk) * 1000) / 1000,
        violations: relevant.map((f) => `${f.type} at ${f.start}-${f.end} (${f.masked}, ${SEVERITY[f.type]}, ${actionFor(policy, f.type)})`),
        pii_detected: types,
        risk_level,
        recommendations,
        redacted_content: relevant.length ? new Redactor(false).apply(content, relevant) : null,
        policy: policy.name,
        action,
        findings: relevant.map(publicFinding),
      };
    },

    redactPii(content: string): string {
      return new Redactor(false).apply(content ?? '', detect(content ?? ''));
    },

    submitFeedback(input: FeedbackInput): FeedbackResult {
      const feedbackId = `fb_${randomUUID()}`;
      if (!store) {
        return { success: false, feedback_id: feedbackId, scan_id: input.scan_id, applied_to: 0, message: storageError ?? 'Learning store unavailable.' };
      }
      const scan = safe('get-scan', (s) => s.getScan(input.scan_id), null);
      if (!scan) {
        return { success: false, feedback_id: feedbackId, scan_id: input.scan_id, applied_to: 0, message: `Unknown scan_id "${input.scan_id}": submit feedback for a scan_id returned by /api/compliance/intelligent/scan.` };
      }
      let targets = scan.findings;
      if (input.finding_index !== undefined && input.finding_index !== null) {
        const t = scan.findings[input.finding_index];
        if (!t) return { success: false, feedback_id: feedbackId, scan_id: input.scan_id, applied_to: 0, message: `finding_index ${input.finding_index} is out of range: the scan has ${scan.findings.length} finding(s).` };
        targets = [t];
      }
      const n = safe(
        'feedback',
        (s) => s.addFeedback({ id: feedbackId, scan_id: scan.scan_id, ts: clock.wallNow(), user_id: input.user_id ?? null, org_id: scan.org_id, is_false_positive: !!input.is_false_positive, finding_index: input.finding_index ?? null, notes: input.notes ? String(input.notes).slice(0, 2000) : null, targets }),
        -1,
      );
      if (n < 0) return { success: false, feedback_id: feedbackId, scan_id: input.scan_id, applied_to: 0, message: 'Could not store the feedback (learning store error); try again.' };
      return {
        success: true,
        feedback_id: feedbackId,
        scan_id: input.scan_id,
        applied_to: n,
        message: input.is_false_positive
          ? `Marked ${n} finding(s) as false positives: these values will no longer be flagged for org "${scan.org_id}".`
          : `Confirmed ${n} finding(s) as true positives.`,
      };
    },

    getLearningSummary(): LearningSummary {
      const users = safe('users', (s) => s.usersWithDays(), []);
      const c = safe('counts', (s) => s.counts(), { scans: 0, users: 0, fpValues: 0, recognizersLearned: 0 });
      const fb = safe('fb', (s) => s.feedbackCount(), { total: 0, fp: 0, tp: 0 });
      const complete = users.filter((u) => u.days >= config.learningDays).length;
      return {
        total_users: users.length,
        users_learning_complete: complete,
        users_learning: users.length - complete,
        config_learning_days: config.learningDays,
        total_scans: c.scans,
        total_feedback: fb.total,
        false_positive_patterns: c.fpValues,
        learning_enabled: store !== null,
      };
    },

    getLearningStatus(userId: string): LearningStatus {
      const row = safe('user', (s) => s.userRow(userId), undefined);
      const days = safe('days', (s) => s.daysTracked(`user:${userId}`), 0);
      const fb = safe('fb', (s) => s.feedbackCount(userId), { total: 0, fp: 0, tp: 0 });
      return {
        user_id: userId,
        days_tracked: days,
        progress_percent: Math.min(100, Math.round((days / Math.max(1, config.learningDays)) * 100)),
        learning_complete: days >= config.learningDays,
        total_scans: row?.scans ?? 0,
        total_violations: row?.violations ?? 0,
        violations_by_type: safe('types', (s) => s.typeTotals(`user:${userId}`), {}),
        feedback_submitted: fb.total,
        first_seen: row ? new Date(row.first_seen).toISOString() : null,
        last_seen: row ? new Date(row.last_seen).toISOString() : null,
      };
    },

    getMlStats(): MLStats {
      const fb = safe('fb', (s) => s.feedbackCount(), { total: 0, fp: 0, tp: 0 });
      const c = safe('counts', (s) => s.counts(), { scans: 0, users: 0, fpValues: 0, recognizersLearned: 0 });
      const byCat = safe('cat', (s) => s.fpByCategory(), {} as Record<string, number>);
      const recognizers = RECOGNIZERS;
      const patternsByCategory: Record<string, number> = {};
      for (const r of recognizers) {
        const cat = r.split(':')[0];
        patternsByCategory[cat] = (patternsByCategory[cat] ?? 0) + 1;
      }
      for (const [t, n] of Object.entries(byCat)) patternsByCategory[`learned_fp:${t}`] = n;
      return {
        total_patterns: recognizers.length + c.fpValues,
        learned_patterns: c.fpValues + c.recognizersLearned,
        patterns_by_category: patternsByCategory,
        average_confidence: safe('avg', () => averageConfidence(), 0),
        total_scans: c.scans,
        feedback_received: fb.total,
        false_positives_reported: fb.fp,
        true_positives_confirmed: fb.tp,
        recognizers,
        learning_enabled: store !== null,
      };
    },

    getOrgBaseline(orgId: string): OrgBaseline {
      const st = safe('org', (s) => s.orgStats(orgId), { users: 0, scans: 0, violatingScans: 0, fpValues: 0 });
      const totals = safe('types', (s) => s.typeTotals(`org:${orgId}`), {} as Record<string, number>);
      const days = safe('days', (s) => s.daysTracked(`org:${orgId}`), 0);
      const totalViolations = Object.values(totals).reduce((a, b) => a + b, 0);
      return {
        org_id: orgId,
        user_count: st.users,
        total_scans: st.scans,
        violation_rate: st.scans ? Math.round((st.violatingScans / st.scans) * 10000) / 10000 : 0,
        top_violation_types: Object.entries(totals).slice(0, 5).map(([type, count]) => ({ type, count })),
        daily_violation_average: days ? Math.round((totalViolations / days) * 100) / 100 : 0,
        days_tracked: days,
        false_positive_patterns: st.fpValues,
        learning_complete: days >= config.learningDays,
      };
    },

    getOrgSummary(): Record<string, unknown> {
      const orgs = safe('orgs', (s) => s.orgIds(), [] as string[]);
      if (!orgs.includes(config.orgId)) orgs.unshift(config.orgId);
      const baselines = orgs.map((o) => engine.getOrgBaseline(o));
      return {
        organizations: baselines,
        total_organizations: baselines.length,
        total_scans: baselines.reduce((a, b) => a + b.total_scans, 0),
        total_users: baselines.reduce((a, b) => a + b.user_count, 0),
        default_org_id: config.orgId,
        policy: config.policy,
        learning_enabled: store !== null,
      };
    },

    health(): ComplianceHealth {
      return {
        status: store ? 'healthy' : 'degraded',
        learning_enabled: store !== null,
        storage_engine: storageEngine,
        storage_error: storageError,
        default_policy: config.policy,
        policies: policies.names(),
        enabled: config.enabled,
      };
    },

    policyNames: () => policies.names(),

    close(): void {
      if (store) {
        try {
          store.close();
        } catch {
          /* already closed */
        }
        store = null;
      }
    },
  };

  /** Average confidence of findings in the most recent scans (0 when nothing was found yet). */
  function averageConfidence(): number {
    return store ? Math.round(store.averageConfidence() * 1000) / 1000 : 0;
  }

  return engine;
}

/** Names of the recognizers (for get_ml_stats). */
const RECOGNIZERS = [
  'pii:email', 'pii:phone', 'pii:credit_card', 'pii:ssn', 'pii:iban', 'pii:ipv4', 'pii:ipv6', 'pii:passport', 'pii:date_of_birth', 'pii:mrn',
  'secret:vendor_tokens', 'secret:jwt', 'secret:pem_private_key', 'secret:url_credentials', 'secret:authorization_header', 'secret:key_value', 'secret:high_entropy',
  'ml:person', 'ml:address',
];

type TextVisitor = (key: string, text: string) => void;

/**
 * Visits every string value inside a tool call's JSON arguments, depth first, numbering them so that
 * mapToolArguments can rewrite the same leaves. Arguments that are not valid JSON (a model may emit
 * anything) are one raw segment.
 */
function forEachToolArgument(args: string, key: string, fn: TextVisitor): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    if (args) fn(key, args);
    return;
  }
  let n = 0;
  const walk = (v: unknown): void => {
    if (typeof v === 'string') fn(`${key}.${n++}`, v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(parsed);
}

/** Rewrites the string values of a tool call's JSON arguments; the result stays valid JSON. */
function mapToolArguments(args: string, key: string, fn: (key: string, text: string) => string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return args ? fn(key, args) : args;
  }
  let n = 0;
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const out = fn(`${key}.${n++}`, v);
      if (out !== v) changed = true;
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = walk(x);
      return o;
    }
    return v;
  };
  const mapped = walk(parsed);
  // Untouched arguments keep their exact bytes (cache keys, provider-side prompt caching).
  return changed ? JSON.stringify(mapped) : args;
}

/**
 * Visits every text segment of the messages (string content, text parts, and the string values in
 * earlier assistant turns' tool-call arguments — they are sent to the provider too), with a stable key.
 */
function forEachText(messages: ChatMessage[], fn: TextVisitor): void {
  messages.forEach((m, i) => {
    if (typeof m.content === 'string') fn(`${i}`, m.content);
    else if (Array.isArray(m.content)) m.content.forEach((p, j) => { if (p.type === 'text') fn(`${i}.${j}`, p.text); });
    m.tool_calls?.forEach((c, k) => { if (typeof c.function?.arguments === 'string') forEachToolArgument(c.function.arguments, `${i}.t${k}`, fn); });
  });
}

function mapTexts(messages: ChatMessage[], fn: (key: string, text: string) => string): ChatMessage[] {
  return messages.map((m, i) => {
    let out = m;
    if (typeof m.content === 'string') out = { ...m, content: fn(`${i}`, m.content) };
    else if (Array.isArray(m.content)) out = { ...m, content: m.content.map((p, j) => (p.type === 'text' ? { ...p, text: fn(`${i}.${j}`, p.text) } : p)) };
    if (m.tool_calls?.length) {
      out = {
        ...out,
        tool_calls: m.tool_calls.map((c, k) => {
          if (typeof c.function?.arguments !== 'string') return c;
          const args = mapToolArguments(c.function.arguments, `${i}.t${k}`, fn);
          return args === c.function.arguments ? c : { ...c, function: { ...c.function, arguments: args } };
        }),
      };
    }
    return out;
  });
}

function promptText(messages: ChatMessage[]): string {
  const parts: string[] = [];
  forEachText(messages, (_k, t) => parts.push(t));
  return parts.join('\n\n');
}
