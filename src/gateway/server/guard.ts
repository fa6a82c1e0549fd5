/**
 * The server's door checks: Host must be a loopback name (DNS-rebinding defence: a web page that
 * rebinds its own domain to 127.0.0.1 still sends its own Host), and a bearer token (or `x-api-key`)
 * must match one of the accepted tokens. Tokens are compared as SHA-256 digests so the comparison
 * neither leaks timing about the token nor keeps the raw values around in a lookup table.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** The hostname part of a Host header, lower-cased, without port or IPv6 brackets. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : h;
  }
  const colon = h.indexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '::1' || name === '0:0:0:0:0:0:0:1' || IPV4_LOOPBACK.test(name);
}

/** Builds the Host check: loopback names always, plus the bound host when it is a specific non-wildcard name. */
export function hostChecker(boundHost: string, extra: string[] = []): (host: string | undefined) => boolean {
  const allowed = new Set(extra.map((h) => h.toLowerCase()));
  // A bare IPv6 bind address ("fd00::5") has no port to strip.
  const b = boundHost.split(':').length > 2 && !boundHost.startsWith('[') ? boundHost.toLowerCase() : hostName(boundHost);
  if (b && b !== '0.0.0.0' && b !== '::' && b !== '') allowed.add(b);
  // Clients send the same Host header on every request: remember the ones that passed (bounded).
  let passed = new Set<string>();
  return (host) => {
    if (!host) return false;
    if (passed.has(host)) return true;
    const n = hostName(host);
    const ok = isLoopbackName(n) || allowed.has(n);
    if (ok) {
      if (passed.size >= 64) passed = new Set();
      passed.add(host);
    }
    return ok;
  };
}

export function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Builds the token check over the accepted tokens (local token + virtual keys). */
export function tokenChecker(tokens: string[]): { check(headers: IncomingHttpHeaders): boolean; set(tokens: string[]): void } {
  let digests = new Set(tokens.filter(Boolean).map(digest));
  // Tokens that already passed, so a client's every request does not pay for a SHA-256 (a Map lookup
  // compares string hashes first, so it gives no useful timing signal about other tokens).
  let accepted = new Map<string, true>();
  return {
    check(headers) {
      const t = presentedToken(headers);
      if (t === undefined) return false;
      if (accepted.has(t)) return true;
      if (!digests.has(digest(t))) return false;
      if (accepted.size >= 64) accepted = new Map();
      accepted.set(t, true);
      return true;
    },
    set(next) {
      digests = new Set(next.filter(Boolean).map(digest));
      accepted = new Map();
    },
  };
}

/** `Authorization: Bearer <t>` or `x-api-key: <t>` (what the Anthropic SDK sends). */
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth) {
    const sp = auth.indexOf(' ');
    if (sp > 0 && auth.slice(0, sp).toLowerCase() === 'bearer') {
      const t = auth.slice(sp + 1).trim();
      if (t) return t;
    }
  }
  const k = headers['x-api-key'];
  const v = Array.isArray(k) ? k[0] : k;
  return v ? v.trim() || undefined : undefined;
}
