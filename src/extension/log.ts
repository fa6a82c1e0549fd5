/**
 * The "Smartflow" output channel as a gateway Logger. Messages and fields only — callers never pass
 * keys or tokens; fields whose name looks secret are dropped here as a second line of defence.
 */
import * as vscode from 'vscode';
import type { Logger } from '../gateway/types.js';

const SECRETISH = /key|token|secret|password|authorization/i;

function fmt(fields?: Record<string, unknown>): string {
  if (!fields) return '';
  const safe = Object.entries(fields).filter(([k]) => !SECRETISH.test(k));
  if (!safe.length) return '';
  try {
    return ' ' + JSON.stringify(Object.fromEntries(safe));
  } catch {
    return '';
  }
}

export class Log implements Logger {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Smartflow', { log: true });
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.channel.debug(msg + fmt(fields));
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.channel.info(msg + fmt(fields));
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.channel.warn(msg + fmt(fields));
  }
  error(msg: string, fieldsOrError?: Record<string, unknown> | unknown): void {
    if (fieldsOrError instanceof Error) this.channel.error(`${msg}: ${fieldsOrError.message}`);
    else if (fieldsOrError !== undefined && typeof fieldsOrError === 'object') this.channel.error(msg + fmt(fieldsOrError as Record<string, unknown>));
    else if (fieldsOrError !== undefined) this.channel.error(`${msg}: ${String(fieldsOrError)}`);
    else this.channel.error(msg);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
