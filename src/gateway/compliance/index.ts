/**
 * Public surface of the compliance engine (PII + secret detection, redaction, policies, risk scoring
 * and learning). The composition root builds it with createComplianceEngine and mounts complianceRoutes.
 */
export { createComplianceEngine } from './engine.js';
export type { ComplianceEngine, ComplianceEngineOptions, ComplianceHealth, IntelligentScanInput } from './engine.js';
export { complianceRoutes } from './routes.js';
export { detect, REPORT_THRESHOLD } from './detect.js';
export { BUILTIN_POLICIES, SEVERITY, actionFor } from './policies.js';
export { Redactor } from './redact.js';
export { maskValue } from './mask.js';
export type * from './types.js';
