import { SmartflowClient, ComplianceError } from '../../../src/gateway/client/index.ts';
// Gateway mode against the running gateway (config.yaml in $HOME says where; apiKey from it too).
const gw = new SmartflowClient();
console.log('mode:', gw.mode, gw.settings.source);
const r = await gw.chatCompletions([{ role: 'user', content: 'How do I convert 5 miles to kilometers?' }], { model: 'gpt-4o-mini' });
console.log({ content: r.content, cached: r.cached, cacheHitType: r.cacheHitType, provider: r.provider });
console.log('cache stats:', await gw.getCacheStats());
const logs = await gw.getLogs({ limit: 2 });
console.log('latest log:', logs.map((l) => ({ id: l.request_id, cached: l.cached, compliance: l.compliance_status })));
const scan = await gw.intelligentScan('ssh key for prod: AKIAZ3MNQ7RTUVWX2Y4P');
console.log('scan:', scan.has_violations, scan.recommended_action, scan.explanation);
await gw.close();
// Direct mode: the embedded gateway in this process, its own data dir.
const direct = new SmartflowClient({ dataDir: process.env.HOME + '/direct-data', configPath: '/nonexistent.yaml', directConfig: { compliance: { policy: 'pci_dss_strict' } } });
console.log('mode:', direct.mode);
console.log(await direct.chat('Say hello in French', { model: 'gpt-4o-mini' }));
try { await direct.chat('Charge 4111 1111 1111 1111 please', { model: 'gpt-4o-mini' }); } catch (e) { console.log(e instanceof ComplianceError, (e as Error).constructor.name, (e as Error).message); }
console.log('direct logs:', (await direct.getLogs()).length);
await direct.close();
