import Database from 'better-sqlite3';
import { readdirSync } from 'node:fs';
const dir = process.argv[2];
for (const f of readdirSync(dir).filter((f) => f.endsWith('.db'))) {
  const db = new Database(dir + '/' + f, { readonly: true });
  const tables = db.prepare("select name from sqlite_master where type='table'").all() as any[];
  for (const t of tables) {
    const rows = db.prepare(`select * from "${t.name}"`).all();
    console.log(f, t.name, rows.length, JSON.stringify(rows).slice(0, 600));
  }
}
