import { readMotoStatus } from '/work/wt-lead/local/services/moto/readMotoStatus';
import { requestUsageBetween, requestUsageTable } from '/work/wt-lead/local/services/moto/motoRequestUsage';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
const f = '/tmp/moto-before.json';
const s = await readMotoStatus(14566);
if (process.argv[2] === 'before') writeFileSync(f, JSON.stringify(s));
else console.log(requestUsageTable(requestUsageBetween(JSON.parse(readFileSync(f, 'utf8')), s), Number(process.argv[3])));
