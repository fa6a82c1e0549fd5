/**
 * Shapes owned by the compliance engine: findings, policies and the reference SDK's result objects
 * (IntelligentScanResult, ComplianceResult, LearningSummary/Status, MLStats, OrgBaseline). Field names
 * follow the Python SDK v0.4.0 so clients can map them one to one.
 */

/** Entity types the engine reports. Secrets are API_KEY (tokens, keys, JWT, PEM) or PASSWORD. */
export type EntityType =
  | 'EMAIL'
  | 'PHONE'
  | 'CREDIT_CARD'
  | 'SSN'
  | 'IBAN'
  | 'IP_ADDRESS'
  | 'URL_CREDENTIALS'
  | 'PASSPORT'
  | 'DATE_OF_BIRTH'
  | 'MRN'
  | 'API_KEY'
  | 'PASSWORD'
  | 'PERSON'
  | 'ADDRESS';

export type Layer = 'regex' | 'ml';

/** One detected value. `start`/`end` are JS string offsets (end-exclusive) into the scanned text. */
export interface Finding {
  type: EntityType;
  start: number;
  end: number;
  /** 0..1 after context adjustment. */
  confidence: number;
  /** Which recognizer produced it, e.g. "email", "credit_card", "secret:github", "person". */
  recognizer: string;
  /** Safe preview, e.g. "j***@e***.com" or "****1111"; never the raw value. */
  masked: string;
  layer: Layer;
}

/** A finding plus the raw value: internal only (redaction, feedback fingerprints). Never serialised. */
export interface RawFinding extends Finding {
  value: string;
}

export type PolicyAction = 'block' | 'redact' | 'log' | 'allow';

/** Policies are data: which types are blocked, redacted or only logged. Unlisted types are allowed. */
export interface PolicyDefinition {
  name: string;
  description: string;
  block: EntityType[];
  redact: EntityType[];
  log: EntityType[];
  /** Findings below this confidence are ignored for decisions (still returned by scans). */
  minConfidence: number;
  /** Regulatory frameworks the policy speaks for (audit `compliance.regulatory_frameworks`). */
  frameworks: string[];
}

export type RecommendedAction = 'Allow' | 'AllowAndLog' | 'Review' | 'Block';

export interface ViolationDetail {
  violation_type: EntityType;
  severity: 'low' | 'medium' | 'high' | 'critical';
  start: number;
  end: number;
  confidence: number;
  recognizer: string;
  masked: string;
}

export interface BehaviorDeviation {
  kind: 'user_rate' | 'org_rate' | 'new_type';
  entity_type: EntityType | null;
  observed: number;
  baseline: number;
  description: string;
  /** How much this deviation added to the risk score. */
  risk_contribution: number;
}

export interface IntelligentScanResult {
  scan_id: string;
  has_violations: boolean;
  risk_score: number;
  recommended_action: RecommendedAction;
  explanation: string;
  regex_violations: ViolationDetail[];
  ml_violations: ViolationDetail[];
  behavior_deviations: BehaviorDeviation[];
  processing_time_us: number;
  /** Every finding (both layers), with offsets, for clients that highlight or redact. */
  findings: Finding[];
  /** False when the learning store could not be opened (scans still work). */
  learning_enabled: boolean;
  /** Findings suppressed by earlier false-positive feedback for this org. */
  suppressed_count: number;
}

export interface ComplianceResult {
  has_violations: boolean;
  compliance_score: number;
  violations: string[];
  pii_detected: string[];
  risk_level: 'low' | 'medium' | 'high' | 'critical';
  recommendations: string[];
  redacted_content: string | null;
  policy: string;
  action: PolicyAction;
  findings: Finding[];
}

export interface FeedbackInput {
  scan_id: string;
  is_false_positive: boolean;
  user_id?: string;
  notes?: string;
  /** Which finding of the scan the feedback is about; all findings when omitted. */
  finding_index?: number;
}

export interface FeedbackResult {
  success: boolean;
  feedback_id: string;
  scan_id: string;
  applied_to: number;
  message: string;
}

export interface LearningSummary {
  total_users: number;
  users_learning_complete: number;
  users_learning: number;
  config_learning_days: number;
  total_scans: number;
  total_feedback: number;
  false_positive_patterns: number;
  learning_enabled: boolean;
}

export interface LearningStatus {
  user_id: string;
  days_tracked: number;
  progress_percent: number;
  learning_complete: boolean;
  total_scans: number;
  total_violations: number;
  violations_by_type: Record<string, number>;
  feedback_submitted: number;
  first_seen: string | null;
  last_seen: string | null;
}

export interface MLStats {
  total_patterns: number;
  learned_patterns: number;
  patterns_by_category: Record<string, number>;
  average_confidence: number;
  total_scans: number;
  feedback_received: number;
  false_positives_reported: number;
  true_positives_confirmed: number;
  recognizers: string[];
  learning_enabled: boolean;
}

export interface OrgBaseline {
  org_id: string;
  user_count: number;
  total_scans: number;
  violation_rate: number;
  top_violation_types: Array<{ type: string; count: number }>;
  daily_violation_average: number;
  days_tracked: number;
  false_positive_patterns: number;
  learning_complete: boolean;
}
