/**
 * Request bodies: read with a byte limit (413 past it, after draining a bounded amount so the client
 * sees the status instead of a reset), JSON parsing with a clear 400, and a small multipart/form-data
 * parser for audio uploads.
 */
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors.js';

const EMPTY = Buffer.alloc(0);

/** Reads the whole body; rejects with payload_too_large when it exceeds `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = () =>
      new GatewayError('payload_too_large', `The request body is larger than the gateway's limit of ${limit} bytes. Send a smaller request or raise server.maxBodyBytes.`);
    // Drain up to this much after the limit so the 413 reaches the client; beyond it, cut the connection.
    const drainCap = limit * 4 + 1024 * 1024;
    if (Number.isFinite(declared) && declared > drainCap) {
      reject(Object.assign(tooLarge(), { closeConnection: true }));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      total += c.length;
      if (over) {
        if (total > drainCap) {
          req.removeAllListeners('data');
          reject(Object.assign(tooLarge(), { closeConnection: true }));
        }
        return;
      }
      if (total > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (over) reject(tooLarge());
      else resolve(chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total));
    });
    req.on('error', (e) => reject(new GatewayError('aborted', 'The client closed the connection while sending the request.', { cause: e })));
  });
}

/** Parses a JSON body; an empty body is `undefined`. */
export function parseJson(buf: Buffer): unknown {
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new GatewayError('invalid_request', `The request body is not valid JSON (${(e as Error).message}). Send a JSON object with Content-Type: application/json.`);
  }
}

export interface MultipartFile {
  data: Uint8Array;
  filename: string;
  contentType?: string;
}

/** Parses multipart/form-data (RFC 7578) into fields (strings) and files. */
export function parseMultipart(buf: Buffer, contentType: string | undefined): Record<string, string | MultipartFile> {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!m || !/^multipart\/form-data/i.test(contentType ?? '')) {
    throw new GatewayError('invalid_request', 'This endpoint expects multipart/form-data with a boundary (upload the audio file as the "file" field).');
  }
  const boundary = `--${m[1] ?? m[2]}`;
  const bad = () => new GatewayError('invalid_request', 'The multipart/form-data body is malformed (missing boundary or part headers).');
  const delim = Buffer.from(`\r\n${boundary}`);
  const out: Record<string, string | MultipartFile> = {};
  let pos = buf.indexOf(boundary);
  if (pos < 0) throw bad();
  pos += boundary.length;
  for (;;) {
    if (buf[pos] === 45 && buf[pos + 1] === 45) break; // closing "--"
    if (buf[pos] === 13 && buf[pos + 1] === 10) pos += 2;
    else throw bad();
    const headEnd = buf.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) throw bad();
    const head = buf.toString('utf8', pos, headEnd);
    const next = buf.indexOf(delim, headEnd + 4);
    if (next < 0) throw bad();
    const data = buf.subarray(headEnd + 4, next);
    pos = next + delim.length;
    const disp = /content-disposition:([^\r\n]*)/i.exec(head)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disp)?.[1] ?? /\bname=([^;\s]+)/i.exec(disp)?.[1];
    if (!name) continue;
    const filename = /\bfilename="([^"]*)"/i.exec(disp)?.[1];
    const ct = /content-type:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim();
    if (filename !== undefined) out[name] = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), filename: filename || 'audio', contentType: ct };
    else out[name] = data.toString('utf8');
  }
  return out;
}
