import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** Runs axe-core (WCAG 2.x A/AA and best practices) on the page; returns the serious and critical violations. */
export async function seriousViolations(page: Page | Frame): Promise<AxeViolation[]> {
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // Evaluated through the DevTools protocol: the app's CSP (script-src 'self') rightly blocks an injected inline <script>.
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails with a readable list when axe finds serious or critical problems on the screen (a page, or a frame such as the widget's). */
export async function expectAccessible(page: Page | Frame, screen: string): Promise<void> {
  // PARLEY_E2E_SHOTS=<folder> keeps a screenshot of every screen checked, for a human look
  const shots = process.env['PARLEY_E2E_SHOTS'];
  if (shots && 'screenshot' in page) await page.screenshot({ path: join(shots, `${screen.replace(/\W+/g, '-')}.png`), fullPage: true });
  const violations = await seriousViolations(page);
  if (violations.length) {
    const text = violations
      .map((v) => `- [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`)
      .join('\n');
    throw new Error(`axe found serious/critical problems on the ${screen} screen:\n${text}`);
  }
}
