/**
 * Compliance policies as data. Each names the entity types it blocks, redacts or only logs; types it
 * does not list are allowed. Custom policies come from `config.compliance.customPolicies` and may
 * `extends` a built-in one.
 */
import type { EntityType, PolicyAction, PolicyDefinition } from './types.js';

const SECRETS: EntityType[] = ['API_KEY', 'PASSWORD', 'URL_CREDENTIALS'];
const ALL_TYPES: EntityType[] = [
  'EMAIL', 'PHONE', 'CREDIT_CARD', 'SSN', 'IBAN', 'IP_ADDRESS', 'URL_CREDENTIALS', 'PASSPORT',
  'DATE_OF_BIRTH', 'MRN', 'API_KEY', 'PASSWORD', 'PERSON', 'ADDRESS',
];

export const BUILTIN_POLICIES: Record<string, PolicyDefinition> = {
  enterprise_standard: {
    name: 'enterprise_standard',
    description: 'Secrets and financial/government identifiers are redacted before they leave; contact details and names are logged.',
    block: [],
    redact: [...SECRETS, 'CREDIT_CARD', 'SSN', 'IBAN', 'PASSPORT', 'MRN'],
    log: ['EMAIL', 'PHONE', 'IP_ADDRESS', 'PERSON', 'ADDRESS', 'DATE_OF_BIRTH'],
    minConfidence: 0.5,
    frameworks: ['SOC2'],
  },
  pci_dss_strict: {
    name: 'pci_dss_strict',
    description: 'PCI DSS: a card number blocks the request; other secrets and identifiers are redacted.',
    block: ['CREDIT_CARD'],
    redact: [...SECRETS, 'SSN', 'IBAN', 'PASSPORT'],
    log: ['EMAIL', 'PHONE', 'IP_ADDRESS', 'PERSON', 'ADDRESS', 'DATE_OF_BIRTH', 'MRN'],
    minConfidence: 0.5,
    frameworks: ['PCI-DSS'],
  },
  hipaa: {
    name: 'hipaa',
    description: 'HIPAA: medical record numbers and SSNs block; every other PHI identifier is redacted.',
    block: ['MRN', 'SSN'],
    redact: [...SECRETS, 'PERSON', 'ADDRESS', 'DATE_OF_BIRTH', 'PHONE', 'EMAIL', 'IP_ADDRESS', 'PASSPORT', 'CREDIT_CARD', 'IBAN'],
    log: [],
    minConfidence: 0.5,
    frameworks: ['HIPAA'],
  },
  gdpr: {
    name: 'gdpr',
    description: 'GDPR: personal data is redacted (pseudonymised) before it reaches a processor.',
    block: [],
    redact: [...SECRETS, 'EMAIL', 'PHONE', 'PERSON', 'ADDRESS', 'IP_ADDRESS', 'DATE_OF_BIRTH', 'PASSPORT', 'IBAN', 'CREDIT_CARD', 'SSN', 'MRN'],
    log: [],
    minConfidence: 0.5,
    frameworks: ['GDPR'],
  },
};

/** Severity used for risk scoring and ViolationDetail.severity. */
export const SEVERITY: Record<EntityType, 'low' | 'medium' | 'high' | 'critical'> = {
  API_KEY: 'critical',
  PASSWORD: 'critical',
  URL_CREDENTIALS: 'critical',
  CREDIT_CARD: 'critical',
  SSN: 'critical',
  IBAN: 'high',
  PASSPORT: 'high',
  MRN: 'high',
  DATE_OF_BIRTH: 'medium',
  ADDRESS: 'medium',
  PHONE: 'medium',
  EMAIL: 'medium',
  PERSON: 'low',
  IP_ADDRESS: 'low',
};

function isType(x: unknown): x is EntityType {
  return typeof x === 'string' && (ALL_TYPES as string[]).includes(x);
}

/**
 * Validates a custom policy from config. Unknown types are rejected with a message saying which, so a
 * typo in a policy never silently allows data through.
 */
export function parseCustomPolicy(name: string, raw: unknown): PolicyDefinition {
  if (typeof raw !== 'object' || raw === null) throw new Error(`Custom compliance policy "${name}" must be an object with block/redact/log lists.`);
  const r = raw as Record<string, unknown>;
  const base = typeof r.extends === 'string' ? BUILTIN_POLICIES[r.extends] : undefined;
  if (typeof r.extends === 'string' && !base) throw new Error(`Custom compliance policy "${name}" extends unknown policy "${r.extends}" (built-ins: ${Object.keys(BUILTIN_POLICIES).join(', ')}).`);
  const list = (k: 'block' | 'redact' | 'log'): EntityType[] => {
    const v = r[k];
    if (v === undefined) return base ? [...base[k]] : [];
    if (!Array.isArray(v)) throw new Error(`Custom compliance policy "${name}": "${k}" must be a list of types.`);
    const bad = v.filter((t) => !isType(t));
    if (bad.length) throw new Error(`Custom compliance policy "${name}": unknown type(s) ${bad.join(', ')} in "${k}" (known: ${ALL_TYPES.join(', ')}).`);
    return v as EntityType[];
  };
  return {
    name,
    description: typeof r.description === 'string' ? r.description : base ? `${base.description} (customised)` : `Custom policy ${name}`,
    block: list('block'),
    redact: list('redact'),
    log: list('log'),
    minConfidence: typeof r.minConfidence === 'number' ? r.minConfidence : base?.minConfidence ?? 0.5,
    frameworks: Array.isArray(r.frameworks) ? r.frameworks.filter((f): f is string => typeof f === 'string') : base?.frameworks ?? [],
  };
}

export class PolicySet {
  private readonly policies = new Map<string, PolicyDefinition>();

  constructor(custom: Record<string, unknown>) {
    for (const [k, p] of Object.entries(BUILTIN_POLICIES)) this.policies.set(k, p);
    for (const [k, raw] of Object.entries(custom ?? {})) this.policies.set(k, parseCustomPolicy(k, raw));
  }

  get(name: string): PolicyDefinition {
    const p = this.policies.get(name);
    if (!p) throw new Error(`Unknown compliance policy "${name}". Use one of: ${[...this.policies.keys()].join(', ')}.`);
    return p;
  }

  has(name: string): boolean {
    return this.policies.has(name);
  }

  names(): string[] {
    return [...this.policies.keys()];
  }
}

/** What a policy does with one finding type. */
export function actionFor(policy: PolicyDefinition, type: EntityType): PolicyAction {
  if (policy.block.includes(type)) return 'block';
  if (policy.redact.includes(type)) return 'redact';
  if (policy.log.includes(type)) return 'log';
  return 'allow';
}
