/**
 * Layer 1 secret recognizers: vendor tokens with known shapes (AWS, GitHub, GitLab, Slack, Stripe,
 * OpenAI, Anthropic, Google and ~40 more), JWTs, PEM private keys, credentials in URLs / connection
 * strings, Authorization headers, values assigned to key-like names (password=, api_key:, --token …),
 * and stand-alone high-entropy tokens.
 *
 * Key-value pairs are parsed by hand from a keyword hit forward (no regex spans the key, separator and
 * value together), which keeps the scan linear on adversarial input.
 */
import type { Candidate } from './candidate.js';
import { eachMatch, Hit } from './candidate.js';
import { entropyScratch, type EntropyScratch, looksLikeHash, looksLikeUuid, shannonEntropyOf } from '../validators.js';
import { findContextSecrets } from './secrets-context.js';

interface VendorPattern {
  name: string;
  re: RegExp;
  score: number;
  /** Literal substrings one of which must occur for the pattern to be tried (cheap pre-filter). */
  hints?: string[];
  /** Structural check on the matched token (decoded prefix, checksum). */
  check?: (token: string) => boolean;
  /**
   * For bodies that start with literals ("ghp_", "AKIA"…): those literals (found with a fast literal
   * search) and the body as a sticky regex tried only where a literal starts a token. Without this the
   * regex starts with a look-behind, which makes the engine visit every character (~6 ms per MB each).
   */
  starts?: RegExp;
  /** The length shared by all of `starts`' literals (a match then starts at lastIndex minus it), if any. */
  startsLength?: number;
  sticky?: RegExp;
  /** A cheap regex that must match somewhere before the pattern is run (for one-character hints). */
  gate?: RegExp;
  /** "secret:<name>", set once below (not a template string per finding). */
  recognizer?: string;
  /**
   * For gated patterns: the shortest match, all of it token characters (runs.ts), so the pattern can only
   * match inside a token run at least this long (the gate regex itself costs ~3 ms per MB of dotted text).
   */
  minRun?: number;
}

const TB = '(?![A-Za-z0-9_\\-])'; // token boundary after
// Token boundary before; an ANSI colour code right before a token (coloured terminal output) counts as one.
const LB = '(?:(?<![A-Za-z0-9_\\-])|(?<=\\x1b\\[[0-9;]{0,12}m))';
const v = (name: string, body: string, score = 0.95, hints?: string[], gate?: RegExp): VendorPattern => {
  const lits = leadingLiterals(body);
  return {
    name,
    re: new RegExp(`${LB}${body}${TB}`, 'g'),
    score,
    hints: hints ?? literalPrefix(body),
    gate,
    ...(lits ? { starts: new RegExp(lits.map(escapeRe).join('|'), 'g'), sticky: new RegExp(`(?:${body})${TB}`, 'y'), startsLength: lits.every((l) => l.length === lits[0].length) ? lits[0].length : undefined } : {}),
  };
};

const escapeRe = (h: string): string => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The literals a body must start with: "ghp_…" → ["ghp_"], "(?:AKIA|ASIA|A3T[A-Z0-9])…" → ["AKIA",
 * "ASIA", "A3T"]. Undefined when some alternative starts with a class (those keep the look-behind form).
 */
function leadingLiterals(body: string): string[] | undefined {
  const lit = (t: string): string => (/^(?:[A-Za-z0-9_\-~:!]|\\[.$\-\/])+/.exec(t)?.[0] ?? '').replace(/\\/g, '');
  if (body.startsWith('(?:')) {
    // Top-level alternatives of the leading group.
    let depth = 0;
    let i = 3;
    let from = 3;
    const alts: string[] = [];
    for (; i < body.length; i++) {
      const c = body[i];
      if (c === '\\') { i++; continue; }
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === '|' && depth === 0) {
        alts.push(body.slice(from, i));
        from = i + 1;
      }
    }
    alts.push(body.slice(from, i));
    const ls = alts.map(lit);
    return ls.every((l) => l.length >= 2) ? ls : undefined;
  }
  const l = lit(body);
  return l.length >= 2 ? [l] : undefined;
}

/** The literal text a pattern body starts with (e.g. "ghp_"), used as its pre-filter hint. */
function literalPrefix(body: string): string[] | undefined {
  const m = /^(?:[A-Za-z0-9_\-]|\\[.$-])+/.exec(body);
  if (!m) return undefined;
  const lit = m[0].replace(/\\/g, '');
  return lit.length >= 2 ? [lit] : undefined;
}

/** Known token shapes. Bodies are bounded; each starts with a literal prefix so the scan is cheap. */
const VENDORS: VendorPattern[] = [
  v('aws_access_key', '(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}', 0.9, ['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ABIA', 'ACCA', 'A3T']),
  v('github', '(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_.]{30,400}', 0.95, ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']),
  v('github', 'github_pat_[A-Za-z0-9_]{22,255}'),
  v('gitlab', 'gl(?:pat|oas|dt|rt|cbt|ptt|ft|imt|agent|soat|ffct|wt)-[A-Za-z0-9_\\-.]{16,120}', 0.95, ['glpat-', 'gloas-', 'gldt-', 'glrt-', 'glcbt-', 'glptt-', 'glft-', 'glimt-', 'glagent-', 'glsoat-', 'glffct-', 'glwt-']),
  v('slack', 'xox[abposre]-[A-Za-z0-9\\-]{10,250}'),
  v('slack', 'xapp-\\d-[A-Z0-9]{6,20}-\\d{6,20}-[a-f0-9]{20,80}'),
  { name: 'slack_webhook', re: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9_\/]{20,120}/g, score: 0.95, hints: ['hooks.slack.com'] },
  { name: 'discord_webhook', re: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{10,22}\/[A-Za-z0-9_\-]{40,100}/g, score: 0.95, hints: ['/api/webhooks/'] },
  v('stripe', '(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247}', 0.95, ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_']),
  v('anthropic', 'sk-ant-(?:api|admin|sid|oat)\\d{2}-[A-Za-z0-9_\\-]{20,250}'),
  v('openai', 'sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\\-]{20,250}', 0.9, ['sk-']),
  v('google_api_key', 'AIza[0-9A-Za-z_\\-]{30,40}'),
  v('google_oauth_secret', 'GOCSPX-[A-Za-z0-9_\\-]{20,40}'),
  v('google_oauth_token', 'ya29\\.[A-Za-z0-9_\\-]{20,2048}'),
  { name: 'google_refresh_token', re: /(?<![A-Za-z0-9_\-/])1\/\/0[A-Za-z0-9_\-]{30,512}(?![A-Za-z0-9_\-])/g, score: 0.9, hints: ['1//0'] },
  v('google_client_id', '\\d{6,20}-[a-z0-9]{24,40}\\.apps\\.googleusercontent\\.com', 0.8, ['.apps.googleusercontent.com']),
  v('jwt', 'eyJ[A-Za-z0-9_\\-]{5,4096}\\.[A-Za-z0-9_\\-]{4,16384}\\.[A-Za-z0-9_\\-]{0,4096}', 0.9, ['eyJ']),
  v('huggingface', 'hf_[A-Za-z]{30,40}', 0.9),
  v('groq', 'gsk_[A-Za-z0-9]{40,60}'),
  v('xai', 'xai-[A-Za-z0-9]{40,100}'),
  v('perplexity', 'pplx-[A-Za-z0-9]{40,60}'),
  v('llama_cloud', 'llx-[A-Za-z0-9_\\-]{40,60}'),
  v('tavily', 'tvly-(?:dev-|prod-)?[A-Za-z0-9]{24,48}'),
  v('npm', 'npm_[A-Za-z0-9]{36}'),
  v('pypi', 'pypi-AgE[A-Za-z0-9_\\-]{50,300}'),
  v('rubygems', 'rubygems_[a-f0-9]{48}'),
  v('nuget', 'oy2[a-z0-9]{43}'),
  v('docker', 'dckr_(?:pat|oat)_[A-Za-z0-9_\\-]{20,60}'),
  v('docker_swarm', 'SWMTKN-1-[a-z0-9]{40,60}-[a-z0-9]{20,30}'),
  v('docker_swarm_key', 'SWMKEY-1-[A-Za-z0-9+/]{40,50}'),
  v('digitalocean', 'do[opr]_v1_[a-f0-9]{64}', 0.95, ['doo_v1_', 'dop_v1_', 'dor_v1_']),
  v('figma', 'figd_[A-Za-z0-9_\\-]{38,44}'),
  v('linear', 'lin_(?:api|oauth)_[A-Za-z0-9]{40}'),
  v('notion', '(?:ntn_[A-Za-z0-9]{40,50}|secret_[A-Za-z0-9]{43})', 0.95, ['ntn_', 'secret_']),
  v('netlify', 'nfp_[A-Za-z0-9]{36,40}'),
  v('newrelic', 'NR(?:AK|AA|II|JS|BR|IQ)-[A-Za-z0-9_\\-]{19,40}', 0.9, ['NRAK-', 'NRAA-', 'NRII-', 'NRJS-', 'NRBR-', 'NRIQ-']),
  v('heroku', 'HRKU-[A-Za-z0-9_\\-]{36,70}'),
  v('sendgrid', 'SG\\.[A-Za-z0-9_\\-]{16,32}\\.[A-Za-z0-9_\\-]{16,64}'),
  v('brevo', 'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}'),
  v('databricks', 'dapi[a-f0-9]{32}(?:-\\d)?'),
  v('shopify', 'shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}', 0.95, ['shpat_', 'shpss_', 'shpca_', 'shppa_']),
  v('age', 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'),
  v('atlassian', 'ATATT3[A-Za-z0-9_\\-=]{150,300}'),
  v('bitbucket', '(?:ATCTT3[A-Za-z0-9_\\-=]{150,300}|ATBB[A-Za-z0-9]{28,40}|BBDC-[A-Za-z0-9+/]{40,50})', 0.95, ['ATCTT3', 'ATBB', 'BBDC-']),
  v('clojars', 'CLOJARS_[a-z0-9]{60}'),
  v('cloudflare', 'cf(?:at|ut|k)_[A-Za-z0-9]{40,50}', 0.95, ['cfat_', 'cfut_', 'cfk_']),
  v('dropbox', 'sl\\.[A-Za-z0-9_\\-]{100,1400}'),
  v('dynatrace', 'dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}'),
  v('facebook', 'EAA[A-Za-z0-9]{90,400}', 0.85),
  v('instagram', 'IGQV[A-Za-z0-9_\\-]{100,400}', 0.9),
  v('jfrog', 'AKCp[A-Za-z0-9]{69}', 0.95),
  // JFrog reference tokens are base64 of "reftkn:<2-digit version>:<10-digit expiry>:<random>".
  { ...v('jfrog', 'cmVmdGtu[A-Za-z0-9]{56}', 0.95), check: (t) => /^reftkn:\d{2}:\d{10}:/.test(Buffer.from(t, 'base64').toString('latin1')) },
  v('aws_mws', 'amzn\\.mws\\.[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}'),
  v('aws_appsync', 'da2-[a-z0-9]{26}'),
  v('aws_bedrock', '(?:ABSK[A-Za-z0-9+/]{100,200}={0,2}|bedrock-api-key-[A-Za-z0-9+/=]{20,200})', 0.95, ['ABSK', 'bedrock-api-key-']),
  v('vault', 'hv[sbr]\\.[A-Za-z0-9_\\-]{24,200}', 0.95, ['hvs.', 'hvb.', 'hvr.']),
  v('terraform', '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_\\-=]{60,100}', 0.95, ['.atlasv1.']),
  v('mailgun', 'key-[a-f0-9]{32}'),
  v('onepassword', 'ops_eyJ[A-Za-z0-9_\\-+/=]{200,1000}'),
  v('sentry', 'sntr(?:ys|yu|y|s|u)_[A-Za-z0-9+/=_]{40,300}', 0.95, ['sntr']),
  v('planetscale', 'pscale_(?:pw|tkn|oauth)_[A-Za-z0-9_\\-.=]{32,64}'),
  v('posthog', 'ph[cx]_[A-Za-z0-9]{40,50}', 0.95, ['phc_', 'phx_']),
  v('square', '(?:sq0atp-[A-Za-z0-9_\\-]{22}|sq0csp-[A-Za-z0-9_\\-]{43}|EAAA[A-Za-z0-9_\\-+=]{60})', 0.95, ['sq0', 'EAAA']),
  v('twilio', '(?:SK|AC)[a-fA-F0-9]{32}', 0.85, ['SK', 'AC']),
  v('telegram', '\\d{8,10}:AA[A-Za-z0-9_\\-]{33}', 0.95, [':AA']),
  v('braintree', 'access_token\\$(?:production|sandbox)\\$[a-z0-9]{16}\\$[a-f0-9]{32}'),
  v('ntlm', 'TlRMTVNTUAAD[A-Za-z0-9+/=]{20,2000}', 0.85),
  v('grafana', '(?:glc_[A-Za-z0-9+/=_]{32,400}|glsa_[A-Za-z0-9]{32}_[a-f0-9]{8})', 0.95, ['glc_', 'glsa_']),
  v('salesforce', '00D[A-Za-z0-9]{12}![A-Za-z0-9._]{80,120}', 0.9, ['00D']),
  v('azure_secret', '[A-Za-z0-9_~.\\-]{3}\\dQ~[A-Za-z0-9_~.\\-]{31,34}', 0.9, ['Q~']),
  { ...v('discord_bot', '[MNO][A-Za-z0-9_\\-]{23,26}\\.[A-Za-z0-9_\\-]{6}\\.[A-Za-z0-9_\\-]{27,40}', 0.85, ['.'], /\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27}/), minRun: 24 + 1 + 6 + 1 + 27 },
  v('defined_networking', 'dnkey-[A-Z0-9]{26}-[A-Z0-9]{52}'),
  v('doppler', 'dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,50}', 0.95, ['dp.']),
  v('akamai', 'akab-[a-z0-9]{16}-[a-z0-9]{16}'),
  { ...v('facebook_app', '\\d{15,16}\\|[A-Za-z0-9_\\-]{27}', 0.85, ['|'], /\d\|[A-Za-z0-9_\-]{27}/), minRun: 15 + 1 + 27 },
  v('deepseek', 'sk-[a-f0-9]{32}', 0.9),
  v('together', 'tgp_v1_[A-Za-z0-9_\\-]{40,50}'),
  v('supabase', 'sbp_(?:v0_)?[a-f0-9]{40}'),
  v('postman_pmat', 'PMAT-[A-Z0-9]{26}'),
  // License keys: 40 characters ending in NRAL; EU-region keys start "eu01x" and pad with 'x'.
  v('newrelic_nral', '(?:[a-f0-9]{36}|[a-z]{2}\\d{2}x[a-f0-9x]{31})NRAL', 0.9, ['NRAL']),
  // Microsoft "common annotated security key" format (Azure DevOps PATs, AI services, storage keys):
  // 52 random characters, then the fixed JQQJ9 signature and a provider/version tail.
  { name: 'azure_cask', re: /(?<![A-Za-z0-9_\-+\/])[A-Za-z0-9+\/]{52}JQQJ9[9DH][A-Za-z0-9+\/]{12,40}={0,2}(?![A-Za-z0-9_\-+\/=])/g, score: 0.95, hints: ['JQQJ9'] },
  { ...v('mailgun_key', '[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}', 0.85, ['-'], /-[a-f0-9]{8}-[a-f0-9]{8}(?![A-Za-z0-9_\-])/), minRun: 32 + 1 + 8 + 1 + 8 },
  v('alibaba', 'LTAI[A-Za-z0-9]{12,20}', 0.9),
  v('gitlab_session', '_gitlab_session=[a-f0-9]{32}', 0.95, ['_gitlab_session=']),
  v('grafana_key', 'eyJrIjoi[A-Za-z0-9+/=]{50,300}', 0.9),
  v('postman', 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}'),
  v('sonarqube', 'sq[pua]_[a-f0-9]{40}', 0.95, ['sqp_', 'squ_', 'sqa_']),
  v('vercel', '(?:vcp|vci|vca|vcr|vck)_[A-Za-z0-9]{50,60}', 0.95, ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_']),
  v('wundergraph', 'cosmo_[A-Za-z0-9]{30,40}', 0.85),
  // (Hints as for every other pattern: without them this one was searched for in every text.)
  v('nkey', '(?:SAA|SCA|SNA|SOA|SPA|SUA|SXA)[A-Z2-7]{55}', 0.95, ['SAA', 'SCA', 'SNA', 'SOA', 'SPA', 'SUA', 'SXA']),
];

for (const p of VENDORS) p.recognizer = `secret:${p.name}`;

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;

function findPem(text: string, out: Candidate[]): void {
  if (text.indexOf('PRIVATE KEY') < 0) return;
  eachMatch(PEM_BEGIN, text, (m) => {
    const start = m.index;
    const bodyStart = start + m[0].length;
    const endIdx = text.indexOf('-----END', bodyStart);
    let end: number;
    if (endIdx >= 0 && endIdx - bodyStart < 64 * 1024) {
      const close = text.indexOf('-----', endIdx + 8);
      end = close >= 0 && close - endIdx < 80 ? close + 5 : endIdx + 8;
    } else {
      // No END line (truncated paste): redact the base64 body that follows.
      end = bodyStart;
      while (end < text.length && end - bodyStart < 64 * 1024 && /[A-Za-z0-9+/=\s\\]/.test(text[end])) end++;
    }
    out.push({ type: 'API_KEY', start, end, score: 0.99, recognizer: 'secret:pem_private_key', contextApplied: true });
  });
}

// Credentials in URLs / connection strings: scheme://user:password@host (the user may be empty:
// redis://:password@host).
const URL_CRED_RE = /(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{1,20}:\/\/([^\s:\/'"<>]{0,128}):([^\s@\/'"<>]{1,256})@(?=[A-Za-z0-9\[])/g;

function findUrlCredentials(text: string, out: Candidate[]): void {
  if (text.indexOf('://') < 0) return;
  eachMatch(URL_CRED_RE, text, (m) => {
    const pw = m[2];
    if (isPlaceholder(pw)) return;
    const userStart = m.index + m[0].indexOf('://') + 3;
    const end = m.index + m[0].length - 1; // before '@'
    out.push({ type: 'URL_CREDENTIALS', start: userStart, end, score: 0.97, recognizer: 'url_credentials', contextApplied: true });
  });
}

// Authorization headers: "Authorization: Bearer <tok>", "Basic <b64>", and bare "Bearer <tok>".
const AUTH_RE = /(?<![A-Za-z0-9])(?:(?:proxy-)?authorization["']?\s{0,3}[:=]\s{0,3}["']?\s{0,3}(?:(?:bearer|basic|token|digest|apikey|sso-key|ntlm|negotiate)\s{1,3})?|bearer\s{1,3})([A-Za-z0-9._~+\/\-]{8,4096}={0,2})/gi;

function findAuthHeaders(text: string, out: Candidate[]): void {
  if (!/authorization|bearer/i.test(text)) return;
  // test() + lastIndex, no match array per header (a bearer-dense text has 20k+ per MB). The token group
  // ends the match, and what comes before it ends in a character that is not a token character (":", "=",
  // a quote or whitespace), so the token is the run of token characters (after at most two "=" of
  // padding) that ends at lastIndex.
  AUTH_RE.lastIndex = 0;
  while (AUTH_RE.test(text)) {
    const end = AUTH_RE.lastIndex;
    let start = end;
    while (start > end - 2 && text.charCodeAt(start - 1) === 61 /* = */) start--;
    while (start > 0 && authTokenChar(text.charCodeAt(start - 1))) start--;
    judgeAuthToken(text, start, end, out);
  }
}

/** [A-Za-z0-9._~+/-]: AUTH_RE's token characters (by ASCII code). */
const AUTH_TOKEN_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+/-') AUTH_TOKEN_CHAR[ch.charCodeAt(0)] = 1;
function authTokenChar(c: number): boolean {
  return c < 128 && AUTH_TOKEN_CHAR[c] === 1;
}

/** The token text[start, end) of an Authorization header or bearer: reported unless a word or placeholder. */
function judgeAuthToken(text: string, start: number, end: number, out: Candidate[]): void {
  // (A plain word first: the cheapest test, and the usual reason to drop a match.)
  let word = true;
  for (let i = start; i < end && word; i++) {
    const c = text.charCodeAt(i) | 0x20;
    word = c >= 97 && c <= 122;
  }
  if (word) return;
  const f = text.charCodeAt(start);
  if (!((f >= 48 && f <= 57) || (f >= 65 && f <= 90) || (f >= 97 && f <= 122))) return;
  if (isPlaceholder(text.slice(start, end))) return;
  // A Hit, not a plain candidate: detect would wrap it into one anyway.
  out.push(new Hit(text, 'API_KEY', start, end, 0.9, 'secret:authorization_header', false, true));
}

// Regexes of the per-keyword / per-value rules below, built once: a regex literal inside a function is a
// new RegExp object each time it is evaluated, and these run 100k+ times on keyword-dense text.
const PLACEHOLDER_MASK_RE = /^[*xX.•#?_\-]+$/;
const PLACEHOLDER_REF_RE = /^(?:\$\{|\$\(|\$[A-Z_]|%\(|%[A-Z_]+%|\{\{|<[^>]{0,40}>$|\[[^\]]{0,40}\]$|os\.|process\.env|env\(|getenv|System\.getenv)/i;
const PLACEHOLDER_WORD_RE = /^(?:password|passwd|secret|token|changeme|change_me|your[_\-]?\w{0,20}|example\w{0,10}|redacted|placeholder|none|null|nil|undefined|true|false|string|required|optional|\*{3,}|xxx+|todo|dummy|test|sample|fake)$/i;
const PLACEHOLDER_CONST_RE = /^\[?[A-Z_]{2,40}\]?$/;
const CLI_FLAG_BEFORE_RE = /-{1,2}[\w\-]{0,20}$/;
const FULL_PASSWORD_RE = /^pass(?:word|wd|phrase)$/;
const SHORT_KEY_RE = /^(?:pw|pwd|api|key|otp|mfa|cred|auth)$/i;
const IDENTIFIED_RE = /^identified/i;
const KEY_METADATA_SUFFIX_RE = /^[_\-.]?(?:id|ids|len|length|count|min|max|size|hash|type|field|label|hint|policy|rules?|reset|expir\w*|url|uri|file|path|name|prompt|input|regex|pattern|validation|nr\.?|no\.?|num|number)$/i;
const PASSWORD_FOR_USER_RE = /^[ \t]{1,3}for[ \t]{1,3}[\w.@\-]{1,40}(?=[ \t]{0,3}[:=])/;
const COMPARISON_RE = /^(?:===?|!==?)[ \t]*(?=["'`])/;
const SETTER_CALL_RE = /^[,(][ \t]*["']/;
const TYPE_ANNOTATION_QUOTED_RE = /^:[ \t]*[A-Za-z_][\w.\[\]]{0,30}[ \t]*=[ \t]*(?=["'`])/;
const TYPE_ANNOTATION_RE = /^:[ \t]*[A-Za-z_][\w.\[\]]{0,30}[ \t]*=[ \t]*/;
const PROSE_IS_RE = /^is\s/i;
const SET_OR_DEFINE_BEFORE_RE = /(?:#[ \t]*define|%define|%global|\bset|\bexport)[ \t]+\w*$/i;
const DEFINE_BEFORE_RE = /(?:#[ \t]*define|%define|%global)[ \t]+$/i;
const SQL_CREATE_USER_BEFORE_RE = /\b(?:create|alter)[ \t]+(?:user|role)\b[^\n]{0,80}$/i;
const HEX_LITERAL_RE = /^0x[0-9a-f]+$/i;
const DIGITS_DOTS_RE = /^[\d.]+$/;
const CODE_VALUE_RE = /^(?:function|new |await |require\(|this\.|self\.|[a-z_]+\()/;
const CAMEL_WORD_RE = /^[a-z][A-Za-z]{2,30}$/;
const PHRASE_RE = /^[a-z]+(?: [a-z]+){2,}$/i;
const GENERIC_KEY_RE = /^(?:key|api|auth|nonce|otp|mfa|salt|signature|cred)$/;
const SECRET_KEY_NAME_RE = /secret|token|api[_\-. ]?key|apikey|access[_\-]?key/;
const SNAKE_WORDS_RE = /^[a-z]+(?:[_\-][a-z]+)*$/;
const LETTERS_ONLY_RE = /^[A-Za-z]+$/;

/** Placeholders, env references and templating are not secrets. */
export function isPlaceholder(v: string): boolean {
  const s = v.trim();
  if (s.length < 4) return true;
  // Each regex runs only when the first character can start one of its matches (a table lookup; the
  // regexes run per judged value, 40k+ times on key-dense text). Non-ASCII first characters never match
  // the ASCII-only alternatives, even with the "i" flag (no "u" flag: no case folding across ASCII).
  const f = s.charCodeAt(0);
  const can = f < 128 ? PLACEHOLDER_FIRST[f] : f === 0x2022 /* • */ ? MASK_FIRST : 0;
  if ((can & MASK_FIRST) !== 0 && PLACEHOLDER_MASK_RE.test(s)) return true;
  if ((can & REF_FIRST) !== 0 && PLACEHOLDER_REF_RE.test(s)) return true;
  if ((can & WORD_FIRST) !== 0 && PLACEHOLDER_WORD_RE.test(s)) return true;
  if (s.includes('_') && PLACEHOLDER_CONST_RE.test(s)) return true; // MY_API_KEY style references
  return false;
}

// First characters that can start a match of each placeholder regex (bits in PLACEHOLDER_FIRST).
const MASK_FIRST = 1;
const REF_FIRST = 2;
const WORD_FIRST = 4;
const PLACEHOLDER_FIRST = new Uint8Array(128);
for (const ch of '*xX.#?_-') PLACEHOLDER_FIRST[ch.charCodeAt(0)] |= MASK_FIRST;
for (const ch of '$%{<[oOpPeEgGsS') PLACEHOLDER_FIRST[ch.charCodeAt(0)] |= REF_FIRST;
for (const ch of 'pstcyerunfodPSTCYERUNFOD*xX') PLACEHOLDER_FIRST[ch.charCodeAt(0)] |= WORD_FIRST;

// Key-like names. Matched as a whole word part; the value is parsed by hand after the separator.
const KEY_RE = /(?:passworsd|pass(?:word|wd|phrase|code)?|pa?s{0,2}w(?:o?r)?d|pw|secret|token|api[_\-. ]?key|apikey|access[_\-]?key|private[_\-]?key|client[_\-]?secret|credentials?|cred|auth(?:[_\-]?key)?|signature|session[_\-]?key|license[_\-]?key|encryption[_\-]?key|bearer|api|key|otp|mfa|identified(?:[ \t]+with[ \t]+'?\w{1,40}'?)?[ \t]+(?:by|as))/gi;

/** An unquoted value: up to 512 characters until whitespace, a quote or a delimiter (sticky). */
const VALUE_RE = /[^\s"'`<>,;)\]}&]{0,512}/y;

const PASSWORD_KEY = /^(?:passworsd|pass(?:word|wd|phrase|code)?|pa?s{0,2}w(?:o?r)?d|pw|identified.*)$/i;

const isLower = (c: number): boolean => c >= 97 && c <= 122;
const isUpper = (c: number): boolean => c >= 65 && c <= 90;
/** [A-Za-z0-9_\-.] */
const isIdentChar = (c: number): boolean => isLower(c) || isUpper(c) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;
/** ["'\])>] */
const isCloser = (c: number): boolean => c === 34 || c === 39 || c === 93 || c === 41 || c === 62;
/** ["'`] */
const isQuote = (c: number): boolean => c === 34 || c === 39 || c === 96;

/**
 * Char code at `i`, or -1 outside the text. Reads past either end return NaN from charCodeAt, and in
 * optimized code the first such read at each site deoptimizes its function; the key-value functions are
 * large, so each of those costs a recompile of 30–200 ms of compiler CPU in the scan that hits it (the
 * last keyword of a text, or one at offset 0). -1 fails every class test below exactly as NaN did.
 */
function codeAt(text: string, i: number): number {
  return i >= 0 && i < text.length ? text.charCodeAt(i) : -1;
}

/**
 * "--password xyz": the keyword is (part of) a command-line flag. A plain function, not a closure made
 * per keyword hit (tsx's keepNames wraps every closure creation in a defineProperty call).
 */
function cliFlag(text: string, at: number): boolean {
  if (codeAt(text, at - 1) === 45 /* - */) return true;
  // Otherwise the flag's name runs up to `at`: the character before must be one of [\w-] (no regex else).
  const c = codeAt(text, at - 1);
  if (!(isLower(c) || isUpper(c) || (c >= 48 && c <= 57) || c === 95)) return false;
  return CLI_FLAG_BEFORE_RE.test(text.slice(Math.max(0, at - 22), at));
}

/**
 * Cheap pre-check for the type-annotation separator (": String = \"x\""): from the ":" at `s`, blanks, a
 * type name, blanks, then "=". False means the regex for that form cannot match.
 */
function typeAnnotationAt(text: string, s: number): boolean {
  let i = s + 1;
  while (isBlank(codeAt(text, i))) i++;
  const c = codeAt(text, i);
  if (!(isLower(c) || isUpper(c) || c === 95)) return false;
  // Up to 30 more type-name characters, by table and inside the text (a "key: <value>" walks its value
  // here: this runs for every ":" after a key name).
  const stop = Math.min(text.length, i + 31);
  for (i++; i < stop; i++) {
    const d = text.charCodeAt(i);
    if (d >= 128 || TYPE_NAME_CHAR[d] === 0) break;
  }
  while (isBlank(codeAt(text, i))) i++;
  return codeAt(text, i) === 61; // =
}

/** [A-Za-z0-9_.[\]]: the characters of a type name after its first (typeAnnotationAt). */
const TYPE_NAME_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.[]') TYPE_NAME_CHAR[ch.charCodeAt(0)] = 1;

/**
 * True when text[s, s + span) holds an "=" (TYPE_ANNOTATION_QUOTED_RE, tried on that slice, needs one).
 * Keyword hits come in text order, so the next "=" is searched for again only once the scan has passed it.
 */
function equalsWithin(text: string, s: number, span: number, st: KeyScan): boolean {
  if (st.eqFrom >= 0 && s < st.eqFrom) {
    // Behind the cached search (a keyword inside the previous one's name): the span itself, by hand.
    const stop = Math.min(text.length, s + span);
    for (let i = s; i < stop; i++) if (text.charCodeAt(i) === 61) return true;
    return false;
  }
  if (st.eqFrom < 0 || st.nextEq < s) {
    const at = text.indexOf('=', s);
    st.nextEq = at < 0 ? text.length : at;
    st.eqFrom = s;
  }
  return st.nextEq < s + span;
}

/** Space or tab. */
const isBlank = (c: number): boolean => c === 32 || c === 9;

/**
 * Cheap pre-check for "#define KEY" / "%global KEY": blanks right before `at`, and before them a word
 * ending in "e" or "l". False means the define-form regex cannot match.
 */
function defineWordBefore(text: string, at: number): boolean {
  let i = at - 1;
  if (!isBlank(codeAt(text, i))) return false;
  while (i >= 0 && isBlank(codeAt(text, i))) i--;
  const c = codeAt(text, i) | 0x20;
  return c === 101 || c === 108; // e, l
}

/** Scan state of findKeyValues, one object per scan (also carries judgeKey's side results). */
interface KeyScan {
  /** End of the last value reported: a keyword inside it starts nothing new. */
  lastValueEnd: number;
  /**
   * Where the next "=" at or after `eqFrom` is (the text's length when there is none): the type-annotation
   * separator (": String = \"x\"") needs one within 48 characters, and most ":" separators ("key: value")
   * have none — one search per "=" instead of a walk over each value.
   */
  nextEq: number;
  eqFrom: number;
  /** Set by keyValueStart: the value's opening quote ('' when unquoted). */
  quote: string;
  /** Set by keyValueStart: "token is …" (prose), weaker evidence than "=" or ":". */
  proseSep: boolean;
  /**
   * Per-scan tables, made on first use (most texts judge no value): facts about each key name as written
   * (lower case, generic or not, recognizer name: no lower-casing, regex or replace per finding), and
   * shannonEntropy's count tables.
   */
  keys?: Map<string, KeyName>;
  scratch?: EntropyScratch;
}

/** What judgeValue needs to know about a key name, worked out once per distinct name in a scan. */
interface KeyName {
  lower: string;
  /** GENERIC_KEY_RE: key, api, auth… — the value must look random. */
  generic: boolean;
  recognizer: string;
}

function keyName(st: KeyScan, kw: string): KeyName {
  const keys = (st.keys ??= new Map());
  let k = keys.get(kw);
  if (k === undefined) {
    const lower = kw.toLowerCase();
    k = { lower, generic: GENERIC_KEY_RE.test(lower), recognizer: `secret:${lower.replace(/[^a-z]/g, '_')}_assignment` };
    keys.set(kw, k);
  }
  return k;
}

/**
 * Key-value scan: a plain loop calling one function (not a callback through the shared eachMatch, whose
 * call site sees every recognizer's callback): keyword-dense text ("key: key: …") runs this per keyword.
 */
function findKeyValues(text: string, out: Candidate[]): void {
  const st: KeyScan = { lastValueEnd: -1, nextEq: -1, eqFrom: -1, quote: '', proseSep: false, keys: undefined, scratch: undefined };
  KEY_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  // (KEY_RE never matches the empty string.)
  while ((m = KEY_RE.exec(text)) !== null) {
    // A keyword inside the value just found ("password=password=…") starts nothing new.
    if (m.index < st.lastValueEnd) continue;
    judgeKey(text, m.index, m[0], st, out);
  }
}

/**
 * One keyword hit of findKeyValues. Split in three (keyword, separator, value) so each part stays small:
 * V8 compiles a function with everything it inlines, and this runs for every keyword of a text.
 */
function judgeKey(text: string, at: number, kw: string, st: KeyScan, out: Candidate[]): void {
  let i = at + kw.length;
  // The keyword must end an identifier part: the next char is not a lowercase letter (so "keyboard",
  // "tokenize", "passenger" don't count), but "AwsSecretKey", "db_password", "API_KEY_2" do.
  // Character classes by code unit (this runs for every keyword hit; a regex per character was most
  // of the cost on keyword-dense input).
  const next = codeAt(text, i); // -1 at the end: every class test below is false
  // ("s" can only be a one-character string, so the old "es" alternative never applied.)
  if (isLower(next) && next !== 115 /* s */) return;
  // The keyword starts an identifier part: "stopword" and "keyword" hide no "pword"/"key".
  const prev = codeAt(text, at - 1);
  const k0 = kw.charCodeAt(0);
  if (isLower(prev) && !isUpper(k0)) return;
  // …except a full "password" glued to an upper-case prefix ("ANYpassword", "DBpassword").
  if (isUpper(prev) && isLower(k0) && !FULL_PASSWORD_RE.test(kw)) return;
  // Short keywords must end the identifier outright ("PWR_MGM", "APIs", "KEYBOARD" are not keys).
  if (kw.length <= 4 && (isLower(next) || isUpper(next)) && SHORT_KEY_RE.test(kw)) return;
  const isIdentified = (k0 === 105 || k0 === 73) && IDENTIFIED_RE.test(kw);
  // Skip the rest of the identifier (e.g. "_value", "Key2"), then closing quotes/brackets.
  let k = 0;
  const idStart = i;
  while (k < 32 && isIdentChar(codeAt(text, i))) { i++; k++; }
  // "password_id", "token_length", "secret_field": metadata about a secret, not the secret.
  // "Pass-Nr.", "pass_no": the number of a pass (passport, ID card), not a password.
  if (i > idStart && KEY_METADATA_SUFFIX_RE.test(text.slice(idStart, i))) return;
  // "password for root: x" names whose password it is before the separator.
  // (One test per hit, reused below: PASSWORD_KEY has the "i" flag and `kw` is ASCII, so its lower-case
  // form gives the same answer.)
  // (Every PASSWORD_KEY alternative starts with "p" or "i": other keywords skip the regex.)
  const k0l = k0 | 0x20;
  const passwordKey = (k0l === 112 || k0l === 105) && PASSWORD_KEY.test(kw);
  if (passwordKey) {
    // (The form is 1–3 blanks then "for": checked before the slice and the regex.)
    const forAt = isBlank(codeAt(text, i)) && (text.startsWith('for', i + 1) || text.startsWith('for', i + 2) || text.startsWith('for', i + 3));
    const forUser = forAt ? PASSWORD_FOR_USER_RE.exec(text.slice(i, i + 52)) : null;
    if (forUser) i += forUser[0].length;
  }
  let j = 0;
  while (j < 3 && isCloser(codeAt(text, i))) { i++; j++; }
  const s = keyValueStart(text, at, i, passwordKey, isIdentified, st);
  if (s >= 0) judgeValue(text, kw, s, isIdentified || passwordKey, st, out);
}

/**
 * The separator after a key name (ending at `i`): "=", ":", ":=", "=>", "is", or a CLI space ("--password
 * xyz"), then blanks and an optional opening quote (into `st.quote`). Returns where the value starts, or
 * -1 when there is no separator.
 */
function keyValueStart(text: string, at: number, i: number, passwordKey: boolean, isIdentified: boolean, st: KeyScan): number {
  let s = i;
  while (s - i < 4 && isBlank(codeAt(text, s))) s++;
  let sepFound = false;
  let proseSep = false; // "token is …": prose, weaker evidence than "=" or ":"
  // The separator's first character decides which forms can apply (the regexes below are per hit).
  const sc = codeAt(text, s);
  // Literal comparisons leak the literal ("if password == 'x'").
  const cmp = sc === 61 /* = */ || sc === 33 /* ! */ ? COMPARISON_RE.exec(text.slice(s, s + 6)) : null;
  if (cmp) { s += cmp[0].length; sepFound = true; }
  // Function-style setters: CURLOPT_PASSWORD, "value" / setPassword("value").
  else if ((sc === 44 /* , */ || sc === 40 /* ( */) && SETTER_CALL_RE.test(text.slice(s, s + 4))) { s += 1; sepFound = true; }
  // Type annotations: "password: String = \"x\"", "passwd: str = \"x\"".
  else if (sc === 58 /* : */ && equalsWithin(text, s, 48, st) && typeAnnotationAt(text, s) && TYPE_ANNOTATION_QUOTED_RE.test(text.slice(s, s + 48))) {
    s += TYPE_ANNOTATION_RE.exec(text.slice(s, s + 48))![0].length;
    sepFound = true;
  }
  // ":=", "=>", "->" (by code unit: this runs for every keyword of a text).
  else if ((sc === 58 && codeAt(text, s + 1) === 61) || (sc === 61 && codeAt(text, s + 1) === 62) || (sc === 45 && codeAt(text, s + 1) === 62)) { s += 2; sepFound = true; }
  else if (sc === 61 || sc === 58) { s += 1; sepFound = true; }
  else if ((sc === 105 /* i */ || sc === 73 /* I */) && PROSE_IS_RE.test(text.slice(s, s + 3))) { s += 2; sepFound = true; proseSep = true; }
  if (!sepFound) {
    // Space-separated forms: SQL "IDENTIFIED BY 'x'" / "PASSWORD 'x'", "#define password \"x\"", "SET password \"x\"".
    const spaceQuoted = s > i && isQuote(codeAt(text, s)) && (isIdentified || passwordKey || SET_OR_DEFINE_BEFORE_RE.test(text.slice(Math.max(0, at - 16), at)));
    // "#define KEY" needs a space right before the keyword and "define"/"global" before that.
    const defineSpace = s > i && defineWordBefore(text, at) && DEFINE_BEFORE_RE.test(text.slice(Math.max(0, at - 12), at));
    if (isIdentified) sepFound = true;
    // SQL "CREATE ROLE x WITH LOGIN PASSWORD secret;" (unquoted after a space).
    if (!sepFound && s > i && passwordKey && SQL_CREATE_USER_BEFORE_RE.test(text.slice(Math.max(0, at - 90), at))) sepFound = true;
    if (!sepFound && !(s > i && cliFlag(text, at)) && !spaceQuoted && !defineSpace) return -1;
  }
  if (codeAt(text, s) === 61 && sepFound) return -1; // "==" comparison
  while (s - i < 12 && isBlank(codeAt(text, s))) s++;
  // Optional opening quote(s) and an HTML-escaped quote.
  let quote = '';
  const q = codeAt(text, s);
  if (isQuote(q)) { quote = text[s]; s++; }
  else if (q === 92 /* \\ */ && codeAt(text, s + 1) === 34) { quote = '\\"'; s += 2; }
  else if (q === 38 /* & */ && text.startsWith('&quot;', s)) { quote = '&quot;'; s += 6; }
  st.quote = quote;
  st.proseSep = proseSep;
  return s;
}

/** VALUE_RE's stop characters in ASCII: whitespace and "'`<>,;)]}&. */
const VALUE_STOP = new Uint8Array(128);
for (const ch of ' \t\n\v\f\r"\'`<>,;)]}&') VALUE_STOP[ch.charCodeAt(0)] = 1;

/**
 * True when VALUE_RE from `s` provably matches fewer than 8 characters: one of the next 8 is an ASCII
 * stop character (or the text ends) before any non-ASCII one (those go to the regex, whose \s knows the
 * Unicode spaces).
 */
function shortUnquotedValue(text: string, s: number): boolean {
  const end = Math.min(text.length, s + 8);
  for (let i = s; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) return false;
    if (VALUE_STOP[c] === 1) return true;
  }
  return end - s < 8;
}

// Character classes of a value (valueClasses), as bits.
const UPPER = 1;
const DIGIT = 2;
/** Anything but an ASCII letter or digit. */
const OTHER = 4;
/** "(" or "{". */
const PAREN = 8;
const LOWER = 16;
/** "_" (also OTHER). */
const UNDERSCORE = 32;

/** valueClasses' bits per ASCII code (any other code is OTHER). */
const VALUE_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  VALUE_CLASS[c] =
    c >= 97 && c <= 122 ? LOWER : c >= 65 && c <= 90 ? UPPER : c >= 48 && c <= 57 ? DIGIT : OTHER | (c === 40 || c === 123 ? PAREN : 0) | (c === 95 ? UNDERSCORE : 0);
}

/**
 * The character classes of the value text[s, e), in one pass by table (pre-checks for judgeValue's
 * regexes). On offsets of the scanned text: no slice, and a flat string to read.
 */
function valueClasses(text: string, s: number, e: number): number {
  let cls = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    cls |= c < 128 ? VALUE_CLASS[c] : OTHER;
  }
  return cls;
}

/** CODE_VALUE_RE for a value text[s, e) without "(": one of its word alternatives starts the value. */
function codeWordPrefix(text: string, s: number, e: number, f0: number): boolean {
  switch (f0) {
    case 102: return prefixIn(text, s, e, 'function');
    case 110: return prefixIn(text, s, e, 'new ');
    case 97: return prefixIn(text, s, e, 'await ');
    case 116: return prefixIn(text, s, e, 'this.');
    case 115: return prefixIn(text, s, e, 'self.');
    default: return false;
  }
}

/** /^(?:https?:)?\/\// on the value text[s, e), by prefix tests: no slice, no regex. */
function urlValueAt(text: string, s: number, e: number): boolean {
  // (Every form has "/" or "t" second: most values starting with "h" are settled there.)
  const c1 = e - s >= 2 ? text.charCodeAt(s + 1) : -1;
  if (c1 !== 47 && c1 !== 116) return false;
  return prefixIn(text, s, e, '//') || prefixIn(text, s, e, 'http://') || prefixIn(text, s, e, 'https://');
}

/** text.slice(s, e).startsWith(word), without the slice. */
function prefixIn(text: string, s: number, e: number, word: string): boolean {
  return e - s >= word.length && text.startsWith(word, s);
}

/** Space, tab, line feed, vertical tab, form feed, carriage return: what trim() removes in ASCII. */
function asciiTrimmed(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * isPlaceholder(text.slice(s, e)) for a value whose classes (valueClasses) are `cls`, slicing only when
 * a placeholder rule can apply: after trimming, a value of 4+ characters whose first is ASCII and can
 * start none of the placeholder regexes, with no "_", is no placeholder (isPlaceholder's own pre-checks,
 * on offsets). A non-ASCII character at either end (trim() may remove some) takes the string path.
 */
function isPlaceholderAt(text: string, s: number, e: number, cls: number): boolean {
  let a = s;
  let b = e;
  while (a < b && asciiTrimmed(text.charCodeAt(a))) a++;
  while (b > a && asciiTrimmed(text.charCodeAt(b - 1))) b--;
  if (a < b && (text.charCodeAt(a) >= 128 || text.charCodeAt(b - 1) >= 128)) return isPlaceholder(text.slice(s, e));
  if (b - a < 4) return true;
  // (An "_" in the value is in its trimmed part: trimming removes white space only.)
  if (PLACEHOLDER_FIRST[text.charCodeAt(a)] !== 0 || (cls & UNDERSCORE) !== 0) return isPlaceholder(text.slice(a, b));
  return false;
}

/** The value after a key name, from `s` (opening quote in `st.quote`): judged and reported. */
function judgeValue(text: string, kw: string, s: number, isPassword: boolean, st: KeyScan, out: Candidate[]): void {
  let quote = st.quote;
  // Value: up to the closing quote, or a token (no spaces) when unquoted.
  let e = s;
  const limit = Math.min(text.length, s + 512);
  if (quote) {
    const close = text.indexOf(quote, s);
    if (close >= 0 && close <= limit && !text.slice(s, close).includes('\n')) e = close;
    else if (quote.length === 1) {
      // Unclosed on this line (a continued string, "key = 'abc…\"): the token up to whitespace.
      quote = '';
      VALUE_RE.lastIndex = s;
      e = VALUE_RE.test(text) ? VALUE_RE.lastIndex : s; // sticky test: the end without a match array
    } else return;
  } else {
    // Other key names need 8+ characters: a stop character among the first 8 settles it without the regex.
    if (!isPassword && shortUnquotedValue(text, s)) return;
    VALUE_RE.lastIndex = s;
    e = VALUE_RE.test(text) ? VALUE_RE.lastIndex : s;
  }
  // Trailing punctuation ends a sentence, not a value.
  while (e > s && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 92)) e--;
  if (e - s < 4 || e - s > 512) return;
  // Other key names need a random-looking value of 8+ characters (checked before the costlier rules).
  if (!isPassword && e - s < 8) return;
  // The value text[s, e) is judged on offsets and sliced (`value`) only for a regex rule that can apply.
  // The rules below are regexes per value; each is tried only when the value's first character or its
  // character classes (one pass) allow a match — key-dense text judges 40k+ values per MB.
  const len = e - s;
  const cls = valueClasses(text, s, e);
  if (isPlaceholderAt(text, s, e, cls)) return;
  let value: string | undefined;
  const f0 = text.charCodeAt(s);
  if (f0 === 48 && (text.charCodeAt(s + 1) | 0x20) === 120 && HEX_LITERAL_RE.test((value ??= text.slice(s, e)))) return; // a numeric literal, not a password
  if (((f0 === 104 || f0 === 47) && urlValueAt(text, s, e)) || (len < 6 && DIGITS_DOTS_RE.test((value ??= text.slice(s, e))))) return;
  // (Without "(" only the word alternatives can match — function, new, await, this., self. — and those are
  // prefix tests: no regex call.)
  if ((cls & PAREN) !== 0 ? ((f0 >= 97 && f0 <= 122) || f0 === 95) && CODE_VALUE_RE.test((value ??= text.slice(s, e))) : codeWordPrefix(text, s, e, f0)) return;
  if ((cls & PAREN) !== 0 && !quote) return; // a call or an object, not a literal
  let score: number;
  if (isPassword) {
    // Passwords can be low-entropy; an identifier-looking value (camelCase word) in code is a variable.
    if (!quote && (cls & (DIGIT | OTHER)) === 0 && CAMEL_WORD_RE.test((value ??= text.slice(s, e)))) return;
    if (quote && PHRASE_RE.test((value ??= text.slice(s, e)))) return; // a phrase, e.g. a UI label
    score = 0.85;
    // A Hit, not a plain candidate: detect would wrap it into one anyway (key-dense text has 40k+).
    out.push(new Hit(text, 'PASSWORD', s, e, score, 'secret:password_assignment', false, true));
    st.lastValueEnd = e;
    KEY_RE.lastIndex = Math.max(KEY_RE.lastIndex, e); // no key inside the value starts anything
    return;
  }
  // Generic key names (key, api, token, secret…): the value must look random.
  const key = keyName(st, kw);
  const generic = key.generic;
  if (len < 8) return;
  // (charClasses of the value, from valueClasses' bits.)
  const classes = (cls & LOWER ? 1 : 0) + (cls & UPPER ? 1 : 0) + (cls & DIGIT ? 1 : 0) + (cls & OTHER ? 1 : 0);
  // (Counted on the scanned text: shannonEntropyOf then sees one string shape, here and from judgeToken; a
  // sliced value as well deoptimized it mid-scan.)
  const ent = shannonEntropyOf(text, s, e, (st.scratch ??= entropyScratch()));
  // A UUID is a secret only under an unambiguous secret name (Heroku-style keys, "--secret-token <uuid>").
  if (len === 36 && looksLikeUuid((value ??= text.slice(s, e))) && (generic || st.proseSep || !SECRET_KEY_NAME_RE.test(key.lower))) return;
  if ((cls & (UPPER | DIGIT)) === 0 && SNAKE_WORDS_RE.test((value ??= text.slice(s, e)))) return; // snake/kebab words: config names
  if ((cls & (DIGIT | OTHER)) === 0 && LETTERS_ONLY_RE.test((value ??= text.slice(s, e))) && ent < 3.6) return;
  if (classes < 2 || ent < (generic ? 3.0 : 2.5)) return;
  score = generic ? 0.7 : 0.85;
  out.push(new Hit(text, 'API_KEY', s, e, score, key.recognizer, false, true));
  st.lastValueEnd = e;
  KEY_RE.lastIndex = Math.max(KEY_RE.lastIndex, e);
}

// Stand-alone high-entropy tokens (no key name nearby): long, mixed classes, random-looking. A token is
// a maximal run of [A-Za-z0-9_\-+/=.~$|%] (runs.ts) of 24+ characters; only its first 1024 are judged.
const MIN_TOKEN = 24;
const MAX_TOKEN = 1024;

/**
 * Base64 of an ordinary sentence (data URIs of text, encoded messages) is not a credential: it decodes to
 * printable single-line text made mostly of letters with several spaces. Encoded configs (newlines) and
 * encoded secrets (no spaces) do not pass.
 */
function isBase64Prose(tok: string): boolean {
  if (tok.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(tok)) return false;
  const d = Buffer.from(tok, 'base64').toString('latin1');
  if (!/^[\x20-\x7e]+$/.test(d)) return false;
  const spaces = d.split(' ').length - 1;
  const letters = d.replace(/[^A-Za-z ]/g, '').length;
  return spaces >= 3 && letters / d.length >= 0.85;
}

function findHighEntropy(text: string, out: Candidate[], runs: number[]): void {
  let scratch: EntropyScratch | undefined;
  // (Made with the first token to judge: most texts have none, and key-dense ones many earlier secrets.)
  let taken: SpanSet | undefined;
  const found = out.length;
  for (let r = 0; r < runs.length; r += 3) {
    if (runs[r + 1] - runs[r] < MIN_TOKEN) continue;
    if (scratch === undefined) {
      scratch = entropyScratch();
      if (found > 0) taken = spanKeys(out, found);
    }
    judgeToken(text, runs[r], Math.min(runs[r + 1], runs[r] + MAX_TOKEN), out, scratch, taken);
  }
}

/**
 * Spans as start → length (an array of lengths when several share a start). Small-integer keys and
 * values: a set of start·2^24 + length keys (the former form) held a heap number per span, and a
 * vendor-token-dense text has 30k+ spans.
 */
type SpanSet = Map<number, number | number[]>;

function addSpan(set: SpanSet, start: number, len: number): void {
  const v = set.get(start);
  if (v === undefined) set.set(start, len);
  else if (typeof v === 'number') {
    if (v !== len) set.set(start, [v, len]);
  } else if (!v.includes(len)) v.push(len);
}

function hasSpan(set: SpanSet, start: number, end: number): boolean {
  const v = set.get(start);
  if (v === undefined) return false;
  return typeof v === 'number' ? v === end - start : v.includes(end - start);
}

/**
 * The spans of the secrets found before the high-entropy pass that have their context already applied
 * (their score is final) and a score above a high-entropy token's 0.6 — all of them, as it is. Such a
 * secret outranks a high-entropy token on the same span in every overlap (detect's `outranks`): whether
 * it is kept or loses to a third candidate, the token on its span is never kept, and a never-kept
 * candidate changes nothing else. So such a token is not judged at all (a 1 MB list of GitHub tokens or
 * JWTs has 25k of them: the entropy, a finding and an overlap cluster each).
 */
function spanKeys(out: Candidate[], n: number): SpanSet {
  const keys: SpanSet = new Map();
  for (let i = 0; i < n; i++) {
    const c = out[i];
    const secret = c.type === 'API_KEY' || c.type === 'PASSWORD' || c.type === 'URL_CREDENTIALS';
    // (A judged token is at most MAX_TOKEN long: a longer span can never be one.)
    if (secret && c.contextApplied === true && c.score > HIGH_ENTROPY_SCORE && c.end - c.start <= MAX_TOKEN) addSpan(keys, c.start, c.end - c.start);
  }
  return keys;
}

/** The score of a stand-alone high-entropy token (API_KEY; no context word applies to that type). */
const HIGH_ENTROPY_SCORE = 0.6;

/** ".", "-", "|", "$", "%": punctuation that wraps a token in prose or code. */
function isWrapChar(c: number): boolean {
  return c === 46 || c === 45 || c === 124 || c === 36 || c === 37;
}

// judgeToken's per-character class bits (TOKEN_BITS, by ASCII code).
const T_LOWER = 1;
const T_UPPER = 2;
const T_DIGIT = 4;
/** Not an ASCII letter or digit. */
const T_OTHER = 8;
const T_EQ = 16;
const T_SLASH = 32;
/** Outside [0-9A-Fa-f-]. */
const T_NONHEX = 64;
/** Outside [A-Za-z0-9+/]. */
const T_NONB64 = 128;
const TOKEN_BITS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  let f: number;
  if (c >= 97 && c <= 122) f = T_LOWER | (c > 102 ? T_NONHEX : 0);
  else if (c >= 65 && c <= 90) f = T_UPPER | (c > 70 ? T_NONHEX : 0);
  else if (c >= 48 && c <= 57) f = T_DIGIT;
  else f = T_OTHER | (c === 61 ? T_EQ : 0) | (c === 47 ? T_SLASH : 0) | (c !== 45 ? T_NONHEX : 0) | (c !== 43 && c !== 47 ? T_NONB64 : 0);
  TOKEN_BITS[c] = f;
}

/** Lengths looksLikeHash accepts (hex digests and git ids). */
const HASH_LENGTHS = [7, 8, 12, 32, 40, 56, 64, 96, 128];

/**
 * Judges the token text[from, to) (a token run, at most MAX_TOKEN characters). Works on offsets: the
 * token is sliced only for the few rules that need a regex, and each regex rule runs only when the one
 * pass over the body says it can match (every rule only drops a token, so their order does not change
 * the result). Token-dense text (a 1 MB list of vendor tokens) judges 25k+ tokens.
 */
function judgeToken(text: string, from: number, to: number, out: Candidate[], scratch: EntropyScratch, taken: SpanSet | undefined): void {
  // Strip punctuation that commonly wraps a token in prose or code.
  let a = from;
  let b = to;
  while (a < b && isWrapChar(text.charCodeAt(a))) a++;
  while (b > a && isWrapChar(text.charCodeAt(b - 1))) b--;
  const len = b - a;
  if (len < 24) return;
  // A secret already found on exactly this span outranks this token wherever it overlaps (spanKeys).
  if (taken !== undefined && hasSpan(taken, a, b)) return;
  // The body: the token without trailing "=" padding.
  let bodyEnd = b;
  while (bodyEnd > a && text.charCodeAt(bodyEnd - 1) === 61) bodyEnd--;
  // One table lookup per character (token runs hold ASCII token characters only): the class bits are
  // OR-ed together, digits counted and the longest lower-case run tracked without a branch per class.
  let acc = 0;
  let digits = 0;
  let lowerRun = 0;
  let maxLowerRun = 0;
  for (let i = a; i < bodyEnd; i++) {
    const c = text.charCodeAt(i);
    const f = c < 128 ? TOKEN_BITS[c] : T_OTHER | T_NONHEX | T_NONB64;
    acc |= f;
    digits += (f >> 2) & 1;
    lowerRun = (lowerRun + 1) * (f & T_LOWER);
    if (lowerRun > maxLowerRun) maxLowerRun = lowerRun;
  }
  const lower = acc & T_LOWER;
  const upper = (acc & T_UPPER) >> 1;
  const other = (acc & T_OTHER) !== 0; // a character other than an ASCII letter or digit
  const eq = (acc & T_EQ) !== 0; // an "=" inside the body
  const slash = (acc & T_SLASH) !== 0;
  const nonHex = (acc & T_NONHEX) !== 0; // a character outside [0-9A-Fa-f-]
  const nonB64 = (acc & T_NONB64) !== 0; // a character outside [A-Za-z0-9+/]
  // Random tokens mix lower case, upper case and digits (two at least), over 24+ characters.
  if (lower + upper + (digits > 0 ? 1 : 0) < 3 || digits < 2 || bodyEnd - a < 24) return;
  let tok: string | undefined;
  // Hashes and UUIDs are hex digits (and "-") only: a token with any other character, or "=" padding,
  // is neither, so the slice and the regex are skipped (same answers).
  const hexOnly = !nonHex && bodyEnd === b;
  if (hexOnly && HASH_LENGTHS.includes(len) && looksLikeHash((tok ??= text.slice(a, b)))) return;
  if (hexOnly && len === 36 && looksLikeUuid((tok ??= text.slice(a, b)))) return;
  if (len % 4 === 0 && !nonB64 && b - bodyEnd <= 2 && isBase64Prose((tok ??= text.slice(a, b)))) return;
  if (text.charCodeAt(a) === 47 /* / */ || (eq && /[A-Za-z0-9]=[A-Za-z0-9%]/.test(text.slice(a, bodyEnd)))) return; // paths, query params
  if (hexOnly && /^[0-9a-f\-]+$/i.test((tok ??= text.slice(a, b)))) return; // hex ids, digests, UUID lists
  const f0 = text.charCodeAt(a) | 0x20;
  if ((f0 === 115 || f0 === 109) && /^(?:sha\d{1,3}|md5)-/i.test((tok ??= text.slice(a, b)))) return; // subresource integrity
  if (slash && /^[A-Za-z0-9_.\-]{1,40}(?:\/[A-Za-z0-9_.\-]{1,40}){2,}$/.test((tok ??= text.slice(a, b))) && /\/[a-z]{3,}/.test(tok)) return; // paths
  if (!other && bodyEnd === b && /^[A-Za-z][a-z]+(?:[A-Z][a-z]+){2,}\d{0,3}$/.test((tok ??= text.slice(a, b)))) return; // CamelCaseIdentifiers
  // (dotted.names and snake_names have no digits: this token has two or more, so that rule cannot apply.)
  if (shannonEntropyOf(text, a, bodyEnd, scratch) < 4.0) return;
  // Require few long lowercase words: real tokens rarely contain dictionary-like runs ([a-z]{12,}).
  if (maxLowerRun >= 12) return;
  out.push(new Hit(text, 'API_KEY', a, b, HIGH_ENTROPY_SCORE, 'secret:high_entropy'));
}

const CURL_USER_RE = /(?<![\w\-])(?:-u|--user|--proxy-user)[ \t]+["']?[^\s:"']{1,64}:([^\s"']{4,128})/g;
const SECURESTRING_RE = /ConvertTo-SecureString\b(?:[ \t]+-\w{1,20}){0,4}[ \t]+(?:\\?["'])?([^\s"'\\]{4,128})/g;

function findCliPasswords(text: string, out: Candidate[]): void {
  for (const re of [CURL_USER_RE, SECURESTRING_RE]) {
    eachMatch(re, text, (m) => {
      const v = m[1];
      if (isPlaceholder(v)) return;
      const start = m.index + m[0].length - v.length;
      out.push({ type: 'PASSWORD', start, end: start + v.length, score: 0.85, recognizer: 'secret:cli_password', contextApplied: true });
    });
  }
}

// Single-character hints ('.', '-', '|') would match everywhere: they are checked with includes().
const ALL_HINTS = [...new Set(VENDORS.flatMap((p) => p.hints ?? []))].filter((h) => h.length > 1);
const SHORT_HINTS = [...new Set(VENDORS.flatMap((p) => p.hints ?? []))].filter((h) => h.length === 1);

/**
 * Hints by their first two characters (all hints are ASCII). Tokens sit in runs of token characters
 * (runs.ts) and start at a run's start or right after a separator inside it ("https://hooks.slack…",
 * "x.eyJ…"): hints are looked up only there, by a table lookup, so a 1 MB run of letters costs one
 * lookup, not one per character. Hints that sit inside a token (MID_HINTS) are searched for directly.
 */
const HINT_LISTS: string[][] = [[]];
/** (first << 7 | second) → index into HINT_LISTS, 0 when no hint starts with that pair. */
const HINT_PAIRS = new Uint8Array(128 * 128);
// Searched for directly: hints inside a token, and those that start with a separator (".apps.…",
// "/api/webhooks/", "_gitlab_session=") — rare and long, so a substring search beats a lookup at every
// separator of a text like "a.a.a.a…".
const MID_HINTS = [...new Set(['Q~', 'NRAL', 'JQQJ9', ':AA', ...ALL_HINTS.filter((h) => !/^[A-Za-z0-9]/.test(h))])];
const MID_HINT_TAILS = MID_HINTS.map((h) => h.slice(1));
for (const h of ALL_HINTS) {
  if (MID_HINTS.includes(h)) continue;
  const k = (h.charCodeAt(0) << 7) | h.charCodeAt(1);
  if (!HINT_PAIRS[k]) HINT_PAIRS[k] = HINT_LISTS.push([]) - 1;
  HINT_LISTS[HINT_PAIRS[k]].push(h);
}

/**
 * hintsAt for a letter or digit `a` at `i` (i + 1 inside the text): the pair table is read here, so the
 * list walk runs only where some hint starts with these two characters.
 */
function hintsAtPair(text: string, i: number, a: number, seen: Set<string>): void {
  const b = text.charCodeAt(i + 1);
  if (b < 128 && HINT_PAIRS[(a << 7) | b] !== 0) hintsAt(text, i, seen);
}

function hintsAt(text: string, i: number, seen: Set<string>): void {
  const a = text.charCodeAt(i);
  const b = text.charCodeAt(i + 1);
  if (a >= 128 || b >= 128) return;
  const x = HINT_PAIRS[(a << 7) | b];
  if (x === 0) return;
  const hs = HINT_LISTS[x];
  // The first two characters match every hint of the list: the rest is compared by code unit (most
  // lists fail on the third, e.g. "dob" against "doo_v1_", "dop_v1_", "dor_v1_"), no startsWith call.
  const n = text.length;
  for (let k = 0; k < hs.length; k++) {
    const h = hs[k];
    if (i + h.length > n) continue;
    let q = 2;
    while (q < h.length && text.charCodeAt(i + q) === h.charCodeAt(q)) q++;
    if (q === h.length) seen.add(h);
  }
}

/** Per ASCII code: 0 not a token character, 1 letter or digit, 2 other token character, 3 "~$|%". */
const TOKEN_CLASS = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') TOKEN_CLASS[ch.charCodeAt(0)] = 1;
for (const ch of '_-+/=.') TOKEN_CLASS[ch.charCodeAt(0)] = 2;
for (const ch of '~$|%') TOKEN_CLASS[ch.charCodeAt(0)] = 3;

/**
 * One pass over the text: the token runs of `min`+ characters (runs.ts layout: [start, end, split]
 * triples) and the vendor hints that occur where a token can start — a run's start or right after a
 * separator inside a run ("x.eyJ…"). MID_HINTS are searched for directly; a text with colour codes
 * ("\x1b[32mghp_…" glues a token to digits) gets a lookup at every position.
 */
function scanTokens(text: string, min: number): TokenScan {
  const runs: number[] = [];
  let maxRun = 0;
  const seen = new Set<string>();
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    let k = c < 128 ? TOKEN_CLASS[c] : 0;
    if (k === 0) {
      i++;
      continue;
    }
    if (k === 1 && i + 1 < n) hintsAtPair(text, i, c, seen);
    let split = k === 3 ? 1 : 0;
    let j = i + 1;
    while (j < n) {
      c = text.charCodeAt(j);
      k = c < 128 ? TOKEN_CLASS[c] : 0;
      if (k === 0) break;
      if (k !== 1) {
        if (k === 3) split = 1;
        // A token may start right after a separator ("x.eyJ…", "//hooks…"). (Reads stay inside the
        // text: a read past its end deoptimizes this loop.)
        if (j + 2 < n) {
          const d = text.charCodeAt(j + 1);
          if (d < 128 && TOKEN_CLASS[d] === 1) hintsAtPair(text, j + 1, d, seen);
        }
      }
      j++;
    }
    if (j - i >= min) {
      if (j - i > maxRun) maxRun = j - i;
      runs.push(i, j, split);
    }
    i = j + 1;
  }
  if (text.includes('\x1b[')) for (let p = 0; p < n - 1; p++) hintsAt(text, p, seen);
  for (let k = 0; k < MID_HINTS.length; k++) {
    const h = MID_HINTS[k];
    // Short hints are searched for without their first character first: a search runs at the speed of its
    // first character's frequency ("JQQJ9" in a list of names stops at every "J"), and the tail is rarer.
    if (h.length <= 6 && !text.includes(MID_HINT_TAILS[k])) continue;
    if (text.includes(h)) seen.add(h);
  }
  for (const h of SHORT_HINTS) if (text.includes(h)) seen.add(h);
  return { runs, hints: seen, maxRun };
}

interface TokenScan {
  runs: number[];
  hints: Set<string>;
  /**
   * The longest run listed (0 when none). Found here rather than by a loop in findSecrets: a loop over a
   * token-dense text's 40k+ runs got findSecrets compiled on-stack mid-scan, and that code was thrown
   * away at its first vendor-hint lookup (a deopt in each of the next scans).
   */
  maxRun: number;
}

/** [A-Za-z0-9_-]: the characters a token's left boundary may not be. */
function tokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}
const ANSI_BEFORE = /\x1b\[[0-9;]{0,12}m$/;

/**
 * The last token walked by scanFromStarts (shared by the vendor patterns of one scan): [from, to) is all
 * token characters and `to` ends the token. Without it each pattern walked a long token again — a 1 MB
 * random token holds some literal of most patterns, and each walk was 1 MB.
 */
interface TokenWalk {
  from: number;
  to: number;
}

/** Literal-first vendor tokens: the body is tried only where a literal starts a token (once per token). */
function scanFromStarts(p: VendorPattern, text: string, out: Candidate[], walk: TokenWalk): void {
  const starts = p.starts!;
  const sticky = p.sticky!;
  starts.lastIndex = 0;
  const len = p.startsLength;
  for (;;) {
    // Literals of one length: test() + lastIndex (no match array per literal; "eyJ" is twice in a JWT).
    let q: number;
    if (len !== undefined) {
      if (!starts.test(text)) break;
      q = starts.lastIndex - len;
    } else {
      const m = starts.exec(text);
      if (m === null) break;
      q = m.index;
    }
    if (q > 0 && tokenChar(text.charCodeAt(q - 1)) && !ANSI_BEFORE.test(text.slice(Math.max(0, q - 16), q))) {
      // Inside a token: nothing can start before the token ends.
      let e: number;
      if (q >= walk.from && q < walk.to) e = walk.to;
      else {
        e = q + 1;
        while (e < text.length && tokenChar(text.charCodeAt(e))) e++;
        walk.from = q;
        walk.to = e;
      }
      starts.lastIndex = e;
      continue;
    }
    // Sticky test(): the token's end from lastIndex, without a match array and a string per token.
    sticky.lastIndex = q;
    const end = sticky.test(text) ? sticky.lastIndex : -1;
    if (end >= 0 && (!p.check || p.check(text.slice(q, end)))) {
      // A Hit, not a plain candidate: detect would wrap it into one anyway (a token list has 25k+ per MB).
      out.push(new Hit(text, 'API_KEY', q, end, p.score, p.recognizer!, false, true));
      starts.lastIndex = end;
    } else starts.lastIndex = q + 1;
  }
}

/** Vendor patterns by hint (in VENDORS order), and those without hints (always tried). */
const VENDORS_BY_HINT = new Map<string, number[]>();
VENDORS.forEach((p, i) => {
  for (const h of new Set(p.hints ?? [])) {
    const list = VENDORS_BY_HINT.get(h) ?? [];
    list.push(i);
    VENDORS_BY_HINT.set(h, list);
  }
});
const UNHINTED = VENDORS.flatMap((p, i) => (p.hints?.length ? [] : [i]));

export function findSecrets(text: string): Candidate[] {
  const out: Candidate[] = [];
  // Vendor tokens are 15+ characters; high-entropy tokens 24+, OTP seeds 16 or 32.
  // (maxRun: the longest token run; runs shorter than 12 are not listed: 0 then.)
  const { runs, hints, maxRun } = scanTokens(text, 12);
  // Only the patterns one of whose hints occurs, in VENDORS order.
  const picked: number[] = [...UNHINTED];
  for (const h of hints) for (const i of VENDORS_BY_HINT.get(h) ?? []) picked.push(i);
  picked.sort((a, b) => a - b);
  let walk: TokenWalk | undefined;
  for (let k = 0; k < picked.length; k++) {
    if (k > 0 && picked[k] === picked[k - 1]) continue;
    const p = VENDORS[picked[k]];
    if (p.minRun !== undefined && maxRun < p.minRun) continue;
    if (p.gate && !p.gate.test(text)) continue;
    if (p.starts) {
      scanFromStarts(p, text, out, (walk ??= { from: -1, to: -1 }));
      continue;
    }
    eachMatch(p.re, text, (m) => {
      if (p.check && !p.check(m[0])) return;
      out.push(new Hit(text, 'API_KEY', m.index, m.index + m[0].length, p.score, p.recognizer!, false, true));
    });
  }
  findPem(text, out);
  findUrlCredentials(text, out);
  findAuthHeaders(text, out);
  findKeyValues(text, out);
  // Every trigger has a "u" ("-u", "--user", "SecureString"): one fast search rules most texts out.
  if (text.indexOf('u') >= 0 && (text.includes('-u') || text.includes('--user') || text.includes('SecureString'))) findCliPasswords(text, out);
  findHighEntropy(text, out, runs);
  for (const c of findContextSecrets(text, runs, maxRun)) out.push(c);
  return out;
}
