/**
 * How feature areas (audit, cache, compliance, management) add HTTP endpoints without touching the
 * server: each exports a `Route[]`; the server owns parsing, auth, host checks, limits, error bodies and
 * the `x-smartflow-request-id` header.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestContext } from '../types.js';

export interface RouteRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path params from `:name` segments. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body (undefined when empty); invalid JSON is rejected with 400 before the handler. */
  body: unknown;
  ctx: RequestContext;
}

export type RouteResult =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; text: string; contentType?: string; headers?: Record<string, string> }
  /** Streamed body (exports): written chunk by chunk with backpressure. */
  | { status?: number; stream: AsyncIterable<string | Uint8Array>; contentType: string; headers?: Record<string, string> };

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. "/api/logs" or "/api/compliance/learning/status/:userId". */
  path: string;
  /** Which listener(s) serve it: main = 7775 (always serves everything), compliance = 7777, management = 7778. */
  surfaces?: Array<'compliance' | 'management'>;
  handler(req: RouteRequest): Promise<RouteResult> | RouteResult;
}
