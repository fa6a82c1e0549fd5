import { scanDataDir } from '../helpers.ts';
const [dir, ...needles] = process.argv.slice(2);
console.log(scanDataDir(dir, needles).map((l) => `${l.file} ${l.where} ${l.needle.slice(0, 8)}`));
