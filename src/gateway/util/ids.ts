/** Request ids: a UUID, the same value in the `x-smartflow-request-id` header and the audit log. */
import { randomUUID } from 'node:crypto';

export function newRequestId(): string {
  return randomUUID();
}
