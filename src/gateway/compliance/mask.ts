/**
 * Masked previews of detected values: enough to recognise which value a finding is about, never enough
 * to recover it. These are the only form in which a value appears in results, logs or the database.
 */
import type { EntityType } from './types.js';

export function maskValue(type: EntityType, value: string): string {
  switch (type) {
    case 'EMAIL': {
      const at = value.indexOf('@');
      const dot = value.lastIndexOf('.');
      return `${value[0]}***@${value[at + 1] ?? ''}***${dot > at ? value.slice(dot) : ''}`;
    }
    case 'CREDIT_CARD':
    case 'IBAN':
    case 'SSN':
    case 'PHONE':
    case 'PASSPORT':
    case 'MRN': {
      const alnum = value.replace(/[^A-Za-z0-9]/g, '');
      const keep = type === 'IBAN' ? alnum.slice(0, 2) + '**' : '';
      return `${keep}${'*'.repeat(Math.max(3, Math.min(8, alnum.length - 4)))}${alnum.slice(-4)}`.replace(/^(\*+)/, (s) => (keep ? s : s));
    }
    case 'IP_ADDRESS':
      return value.includes(':') ? `${value.split(':')[0]}:****` : `${value.split('.')[0]}.***.***.***`;
    case 'API_KEY': {
      // Only a vendor prefix (up to the first separator, max 4 chars) is shown.
      const m = /^[A-Za-z]{2,4}[_\-.]/.exec(value);
      return `${m ? m[0] : ''}****(${value.length} chars)`;
    }
    case 'PASSWORD':
    case 'URL_CREDENTIALS':
      return `********(${value.length} chars)`;
    case 'DATE_OF_BIRTH':
      return '**/**/****';
    case 'PERSON':
    case 'ADDRESS': {
      // First letter of each word: "J*** S***" (a loop: this runs once per name in a scan).
      let out = '';
      let inWord = false;
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        const space = c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 160;
        if (space) inWord = false;
        else if (!inWord) {
          inWord = true;
          out += (out ? ' ' : '') + value[i] + '***';
        }
      }
      return out;
    }
    default:
      return '****';
  }
}
