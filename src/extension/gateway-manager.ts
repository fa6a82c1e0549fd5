/**
 * Owns the current GatewayBackend: starts the embedded gateway (direct mode) or connects to the remote
 * one (gateway mode) in the background after activation, restarts it when settings or secrets change,
 * and tells everyone who listens. A failure to start (native module, port in use, bad setting) never
 * throws out of here: the state becomes `error` with a message that says what to do, and views keep
 * working with what they can.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GatewayConfigInput } from '../gateway/config.js';
import { gatewayConfigFor } from './gateway-config.js';
import type { GatewayBackend } from './backend.js';
import { EmbeddedBackend, type EmbeddedService } from './embedded-backend.js';
import type { Log } from './log.js';
import { readSettings, type Secrets, type SmartflowSettings } from './settings.js';

/** Settings that change how the gateway runs (restart), and those only the views read (no restart). */
const RESTART = ['smartflow.mode', 'smartflow.gateway', 'smartflow.cache', 'smartflow.compliance', 'smartflow.localEndpoint', 'smartflow.audit', 'smartflow.providers.baseUrls'];
const NO_RESTART = ['smartflow.defaultModel', 'smartflow.providers.enabled'];

export type ManagerState = 'starting' | 'ready' | 'error' | 'stopped';

export type StartService = (opts: {
  config: GatewayConfigInput;
  env?: NodeJS.ProcessEnv;
  providerKeys?: Record<string, string>;
  listen?: { main?: boolean; compliance?: number | false; management?: number | false };
  logger?: unknown;
  nativeBinding?: string;
}) => Promise<EmbeddedService>;

export class GatewayManager implements vscode.Disposable {
  private backendValue: GatewayBackend | null = null;
  private stateValue: ManagerState = 'stopped';
  private detail: string | null = null;
  private generation = 0;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  settings: SmartflowSettings = readSettings();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly secrets: Secrets,
    private readonly log: Log,
    private readonly loadStart: () => Promise<StartService>,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('smartflow')) return;
        // Settings the views read directly need no restart (a restart would cut streams in flight).
        if (NO_RESTART.some((k) => e.affectsConfiguration(k)) && !RESTART.some((k) => e.affectsConfiguration(k))) {
          this.settings = readSettings();
          this.changed.fire();
          return;
        }
        this.scheduleRestart('settings changed');
      }),
      secrets.onDidChange(() => this.scheduleRestart('keys changed')),
    );
  }

  get backend(): GatewayBackend | null {
    return this.backendValue;
  }
  get state(): ManagerState {
    return this.stateValue;
  }
  get stateDetail(): string | null {
    return this.detail;
  }

  /** The backend, waiting for a start in progress; throws a user-facing error when there is none. */
  async ready(timeoutMs = 60_000): Promise<GatewayBackend> {
    const t0 = Date.now();
    while (this.stateValue === 'starting' && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 100));
    if (this.backendValue) return this.backendValue;
    const err = new Error(`Smartflow is not connected${this.detail ? `: ${this.detail}` : ''}.`) as Error & { code: string };
    err.code = 'not_ready';
    throw err;
  }

  private setState(s: ManagerState, detail: string | null): void {
    this.stateValue = s;
    this.detail = detail;
    this.changed.fire();
  }

  scheduleRestart(why: string): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.log.info(`Restarting the gateway (${why})`);
      void this.start();
    }, 400);
  }

  /** Stops whatever runs and starts from the current settings. Never throws. */
  async start(): Promise<void> {
    const gen = ++this.generation;
    this.settings = readSettings();
    for (const p of this.settings.problems) this.log.warn(p);
    const old = this.backendValue;
    this.backendValue = null;
    this.setState('starting', null);
    if (old) await old.close().catch((e: unknown) => this.log.warn(`closing the previous gateway failed: ${String(e)}`));
    const t0 = performance.now();
    try {
      const backend = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: this.settings.mode === 'gateway' ? 'Smartflow: connecting to the gateway…' : 'Smartflow: starting the embedded gateway…' },
        () => (this.settings.mode === 'gateway' ? this.connectRemote() : this.startEmbedded()),
      );
      if (gen !== this.generation) {
        await backend.close();
        return;
      }
      this.backendValue = backend;
      const info = backend.info();
      this.log.info(`Gateway ready in ${(performance.now() - t0).toFixed(0)} ms`, {
        mode: info.mode,
        url: info.url,
        storage: info.storageEngine ?? 'none (logs are not being kept)',
      });
      if (info.storageError) this.log.warn(`Audit log: ${info.storageError}`);
      if (info.localEndpointError) this.log.warn(`Local endpoint: ${info.localEndpointError}`);
      this.setState('ready', null);
    } catch (e) {
      if (gen !== this.generation) return;
      const msg = e instanceof Error ? e.message : String(e);
      this.log.error('The gateway could not start', e);
      this.setState('error', msg);
      void vscode.window
        .showErrorMessage(`Smartflow: the gateway could not start: ${msg}`, 'Show Output', 'Configure')
        .then((pick) => {
          if (pick === 'Show Output') this.log.channel.show();
          if (pick === 'Configure') void vscode.commands.executeCommand('smartflow.configure');
        });
    }
  }

  private async connectRemote(): Promise<GatewayBackend> {
    const url = this.settings.gatewayUrl;
    if (!url) throw new Error('gateway mode needs smartflow.gateway.url. Run "Smartflow: Configure" → Remote gateway');
    // Loaded on demand: the HTTP client (undici) is the heaviest module and direct mode never needs it.
    const { RemoteBackend } = await import('./remote-backend.js');
    return new RemoteBackend({ url, virtualKey: await this.secrets.virtualKey() });
  }

  /** A better-sqlite3 binding built for this host's ABI, when the package ships one. */
  private nativeBinding(): string | undefined {
    const fromEnv = process.env.SMARTFLOW_NATIVE_BINDING;
    if (fromEnv && existsSync(fromEnv)) return fromEnv;
    // The packaging step ships one binding per host ABI (code-server's Node, VS Code's Electron).
    const p = join(this.context.extensionPath, 'native', `${process.platform}-${process.arch}-abi${process.versions.modules}`, 'better_sqlite3.node');
    return existsSync(p) ? p : undefined;
  }

  private async startEmbedded(): Promise<GatewayBackend> {
    const start = await this.loadStart();
    const s = this.settings;
    const dataDir = this.context.globalStorageUri.fsPath;
    const providerKeys = await this.secrets.providerKeys();
    const base = { config: gatewayConfigFor(s, dataDir), env: process.env, providerKeys, logger: this.log, nativeBinding: this.nativeBinding() };
    let localEndpointError: string | null = null;
    let svc: EmbeddedService;
    try {
      svc = await start({ ...base, listen: { main: s.localEndpoint.enabled, compliance: false, management: false } });
    } catch (e) {
      if (!s.localEndpoint.enabled) throw e;
      // Most often the port is taken (another gateway, another window): keep everything else working.
      localEndpointError = `127.0.0.1:${s.localEndpoint.port} could not be served (${e instanceof Error ? e.message : String(e)}). Change smartflow.localEndpoint.port or stop the other process.`;
      this.log.warn(localEndpointError);
      svc = await start({ ...base, listen: { main: false, compliance: false, management: false } });
    }
    const cache = (svc as { cache?: { whenIdle?: () => Promise<void>; info?: () => { embedder: string | null; embedderError?: string; storageError?: string } } }).cache;
    const ci = cache?.info?.();
    if (ci) this.log.info(`Cache: embedder ${ci.embedder ?? 'none (exact matches only)'}${ci.embedderError ? ` — ${ci.embedderError}` : ''}${ci.storageError ? `; storage: ${ci.storageError}` : ''}`);
    // The semantic index is built in the background (first start, or after many new entries): show it.
    if (cache?.whenIdle) void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Smartflow: indexing the semantic cache…' }, () => cache.whenIdle!());
    return new EmbeddedBackend(svc, { localEndpointError, source: 'extension' });
  }

  async stop(): Promise<void> {
    this.generation++;
    const b = this.backendValue;
    this.backendValue = null;
    if (b) await b.close().catch(() => undefined);
    this.setState('stopped', null);
  }

  dispose(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    void this.stop();
    for (const d of this.disposables) d.dispose();
  }
}
