import type { DemoExport } from './export-stage.ts';
import { shown, type DemoLayout } from './layout.ts';
import type { DemoServer } from './serve-stage.ts';
import type { StageRecord } from './stage.ts';
import type { DemoRun } from './train-stage.ts';

/** Everything the closing lines and `--json` report. */
export interface DemoOutcome {
  stages: StageRecord[];
  /** Since `npm run demo` started: the stages plus starting Node, tsx and the imports. */
  wallSeconds: number;
  layout: DemoLayout;
  run: DemoRun;
  exported: DemoExport;
  server?: DemoServer;
}

const total = (stages: StageRecord[]): number => Number(stages.reduce((s, r) => s + r.seconds, 0).toFixed(1));

/** The stage table, then where to look: demo and API URLs (or how to serve), the run report, how to stop. */
export function summaryLines(o: DemoOutcome): string[] {
  const width = Math.max(...o.stages.map((s) => s.name.length));
  const lines = [
    '',
    `stages (${total(o.stages)}s; ${o.wallSeconds}s since the demo started):`,
    ...o.stages.map((s) => `  ${s.name.padEnd(width)}  ${s.status.padEnd(7)}  ${`${s.seconds.toFixed(1)}s`.padStart(7)}`),
    '',
  ];
  if (o.server) {
    const { urls } = o.server;
    const pending = o.server.demoStatus === 200 ? '' : `   (answers ${o.server.demoStatus || 'nothing'} in this build: the storefront pages are not in the Worker yet)`;
    lines.push(
      `demo storefront   ${urls.demo}${pending}`,
      `API               ${urls.health}`,
      `                  ${urls.similar}`,
      `                  ${urls.version}`,
      `                  ${urls.openapi}`,
    );
  } else {
    lines.push(`published         ${o.exported.manifest.version} to the local R2 bucket in ${shown(o.layout.persistTo)} (--no-serve: no server started)`);
  }
  lines.push(`run report        ${o.run.reportPath}`, `artifacts         ${o.exported.dir}`);
  if (o.server) lines.push('stop              Ctrl-C (stops wrangler dev and its workerd processes)');
  return lines;
}

/** The `--json` summary: one line, the last on stdout. */
export function summaryJson(o: DemoOutcome): string {
  return JSON.stringify({
    ok: true,
    command: 'demo',
    stages: o.stages,
    totalSeconds: total(o.stages),
    wallSeconds: o.wallSeconds,
    version: o.exported.manifest.version,
    sampleId: o.exported.sampleId,
    report: o.run.reportPath,
    export: o.exported.dir,
    state: o.layout.state,
    persistTo: o.layout.persistTo,
    ...(o.server ? { url: o.server.dev.url, urls: o.server.urls } : {}),
  });
}
