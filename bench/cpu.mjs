// CPU seconds used by processes while a measurement runs, read from /proc (Linux): who pays for a request.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS = 100;

function processes() {
  const found = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.push({ pid: Number(pid), name, cpu: (Number(fields[11]) + Number(fields[12])) / TICKS });
    } catch {}
  }
  return found;
}

/** Starts counting; the returned function gives the CPU seconds used since, summed per `groupOf(process)`. */
export function cpuMeter(groupOf) {
  const before = new Map(processes().map((p) => [p.pid, p.cpu]));
  return () => {
    const totals = {};
    for (const p of processes()) {
      const group = groupOf(p);
      totals[group] = (totals[group] ?? 0) + p.cpu - (before.get(p.pid) ?? 0);
    }
    return totals;
  };
}
