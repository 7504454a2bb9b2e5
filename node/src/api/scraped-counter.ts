// A Prometheus counter whose count another component owns: a scrape copies it (it only grows, as
// counters must), so nothing has to be incremented on the path that does the counting.

import type { Registry } from 'prom-client';

type PromClient = typeof import('prom-client');

export function scrapedCounter({ Counter }: PromClient, registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
