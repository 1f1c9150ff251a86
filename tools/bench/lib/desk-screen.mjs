// The agent's screen at scale (issue 29, goal 4): a chat of 100,000 messages,
// seeded straight into Parley's tables in the shape the API writes them, is
// opened in the desk in Debian's Chromium (a fresh browser context each time,
// the agent signed in through the form, the chat clicked in "Mine"), then
// scrolled back 5,000 messages while the page records its frames with the
// Performance API: requestAnimationFrame gaps, and long animation frames
// (PerformanceObserver 'long-animation-frame', else 'longtask').
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { harness } from './harness.mjs';
import { seedInTransaction } from './database.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const DESK_INDEX = path.resolve(here, '../../../dist/apps/desk/browser/index.html');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Sizes of a run: the chat's length, how far back the agent scrolls, how many times it is opened. */
export const DESK_SCREEN_PRESETS = {
  smoke: { size: 2000, scrollBack: 300, opens: 1, stepPx: 240 },
  quick: { size: 100_000, scrollBack: 5000, opens: 3, stepPx: 240 },
  full: { size: 100_000, scrollBack: 5000, opens: 5, stepPx: 240 },
};

/** Why the scenario cannot run here, or null. */
export function deskScreenUnavailable() {
  if (!existsSync(DESK_INDEX)) return 'the desk is not built (npm run build, or npx nx run desk:build:production)';
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (CHROMIUM_PATH)`;
  return null;
}

/**
 * A chat's history of n messages in one statement: customer and agent in
 * turn, bodies of one to a few lines (rows of different heights, as in a real
 * chat), one second apart, after the messages the API wrote (start, accept).
 */
export async function seedLongChat(dbName, { chatId, customerId, agentId, size }) {
  await seedInTransaction(dbName, ['messages'], async (client) => {
    const { rows } = await client.query('SELECT "lastSeq" FROM chats WHERE id = $1 FOR UPDATE', [chatId]);
    const base = rows[0].lastSeq;
    await client.query(
      `INSERT INTO messages (id, "chatId", seq, kind, "senderId", body, "clientMessageId", "createdAt")
       SELECT gen_random_uuid(), $1, $2::int + g,
              (CASE WHEN g % 2 = 0 THEN 'AGENT' ELSE 'CUSTOMER' END)::message_kind,
              CASE WHEN g % 2 = 0 THEN $4::uuid ELSE $3::uuid END,
              'Message ' || ($2::int + g) || repeat(' and a few more words about the order', g % 9),
              NULL, now() + g * interval '1 second'
       FROM generate_series(1, $5::int) g`,
      [chatId, base, customerId, agentId, size - base],
    );
    await client.query(`UPDATE chats SET "lastSeq" = $2, "updatedAt" = now() + ($2::int - $3::int) * interval '1 second' WHERE id = $1`, [chatId, size, base]);
  });
}

/** Signs the agent in through the desk's form and waits for the "Mine" list to show the chat. */
async function signIn(page, base, agent, chatId) {
  await page.goto(`${base}/desk/sign-in`);
  await page.getByLabel('Email').fill(agent.email);
  await page.getByLabel('Password', { exact: true }).fill(agent.password);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await page.waitForURL(/\/desk\/queue$/, { timeout: 30_000 });
  await page.goto(`${base}/desk/mine`);
  await page.locator(`[data-chat="${chatId}"]`).waitFor({ timeout: 30_000 });
}

/**
 * Clicks the chat in the inbox and returns the milliseconds until the newest
 * message is on screen: in place at the bottom of the message list in one
 * frame, timed at the next frame (once that one was painted).
 */
function openChat(page, chatId, newest) {
  return page.evaluate(
    ({ chatId, newest }) =>
      new Promise((resolve, reject) => {
        const row = /** @type {HTMLElement | null} */ (document.querySelector(`[data-chat="${chatId}"]`));
        if (!row) return reject(new Error('the chat is not in the list'));
        const t0 = performance.now();
        row.click();
        const giveUp = setTimeout(() => reject(new Error('the newest message never showed')), 30_000);
        const check = () => {
          const el = document.querySelector(`[data-testid="message"][data-seq="${newest}"]`);
          const viewport = el?.closest('cdk-virtual-scroll-viewport');
          if (el && viewport) {
            const v = viewport.getBoundingClientRect();
            const r = el.getBoundingClientRect();
            if (r.height > 0 && r.bottom <= v.bottom + 1 && r.bottom > v.top) {
              requestAnimationFrame(() => {
                clearTimeout(giveUp);
                resolve(performance.now() - t0);
              });
              return;
            }
          }
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    { chatId, newest },
  );
}

/**
 * Scrolls the message list up by stepPx every frame until the message at the
 * top of the list is `back` messages before the newest, recording each
 * frame's gap (requestAnimationFrame timestamps) and the long animation
 * frames the browser reports.
 */
function scrollBack(page, { newest, back, stepPx, maxMs }) {
  return page.evaluate(
    ({ newest, back, stepPx, maxMs }) =>
      new Promise((resolve) => {
        const viewport = /** @type {HTMLElement} */ (document.querySelector('cdk-virtual-scroll-viewport.messages'));
        const target = newest - back;
        const types = PerformanceObserver.supportedEntryTypes;
        const entryType = types.includes('long-animation-frame') ? 'long-animation-frame' : types.includes('longtask') ? 'longtask' : null;
        const long = [];
        // each long frame: its length, and how much of it was script (the rest is style, layout, paint, or waiting for the CPU)
        const observer = entryType
          ? new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push({ ms: e.duration, scriptMs: (/** @type {{ scripts?: PerformanceEntry[] }} */ (/** @type {unknown} */ (e)).scripts ?? []).reduce((sum, s) => sum + s.duration, 0) })))
          : null;
        observer?.observe({ type: entryType ?? undefined });
        const gaps = [];
        let atTopMs = 0;
        let lastSeqAtTop = newest;
        let previous = null;
        const start = performance.now();
        // the first row whose bottom is below the list's top edge (read at the frame's start, when layout is clean)
        const topSeq = () => {
          const top = viewport.getBoundingClientRect().top;
          for (const el of Array.from(viewport.querySelectorAll('[data-seq]'))) if (el.getBoundingClientRect().bottom > top) return Number(el.getAttribute('data-seq'));
          return null;
        };
        const frame = (t) => {
          if (previous !== null) {
            gaps.push(t - previous);
            if (viewport.scrollTop === 0) atTopMs += t - previous;
          }
          previous = t;
          const seq = topSeq();
          if (seq !== null) lastSeqAtTop = seq;
          if ((seq !== null && seq <= target) || t - start > maxMs) {
            // one more frame, so that a long frame still being reported is counted
            requestAnimationFrame(() =>
              setTimeout(() => {
                observer?.disconnect();
                const rendered = Array.from(viewport.querySelectorAll('[data-seq]')).map((el) => Number(el.getAttribute('data-seq')));
                resolve({
                  reached: seq !== null && seq <= target,
                  topSeq: lastSeqAtTop,
                  ms: performance.now() - start,
                  atTopMs,
                  gaps,
                  long,
                  entryType,
                  rendered,
                  heapBytes: /** @type {{ memory?: { usedJSHeapSize: number } }} */ (/** @type {unknown} */ (performance)).memory?.usedJSHeapSize ?? null,
                });
              }, 50),
            );
            return;
          }
          viewport.scrollTop = Math.max(0, viewport.scrollTop - stepPx);
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    { newest, back, stepPx, maxMs },
  );
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);
const round1 = (x) => (x == null ? null : Math.round(x * 10) / 10);

/** The scenario on one Parley system (its own agent, customer and chat). */
export async function runDeskScreen(sys, { size, scrollBack: back, opens, stepPx, log = /** @type {(line: string) => void} */ (() => {}) }) {
  const url = `${sys.base}/graphql`;
  const agent = await harness.createAgentAt(url, sys.admin, 'Desk Bench Agent');
  const customer = await harness.registerAt(url, 'Long Chat Customer');
  const chatId = await harness.startChatAt(url, customer, 'The first of many');
  await harness.acceptChatAt(url, agent, chatId);
  let t0 = Date.now();
  await seedLongChat(sys.dbName, { chatId, customerId: customer.id, agentId: agent.id, size });
  const seedSeconds = Math.round((Date.now() - t0) / 100) / 10;
  log(`  ${sys.name}: chat of ${size} messages seeded in ${seedSeconds} s`);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info'],
  });
  try {
    const openMs = [];
    let context = null;
    /** @type {import('playwright-core').Page | null} */
    let page = null;
    for (let i = 0; i < opens; i++) {
      await context?.close();
      context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      page = await context.newPage();
      page.on('pageerror', (e) => log(`  desk page error: ${e.message}`));
      await signIn(page, sys.base, agent, chatId);
      openMs.push(await openChat(page, chatId, size));
    }
    if (!page) throw new Error('the desk never opened');
    t0 = Date.now();
    // the agent reads a moment before scrolling back (the first page's images and fonts settle)
    await page.waitForTimeout(500);
    const s = await scrollBack(page, { newest: size, back, stepPx, maxMs: 180_000 });
    await context?.close();
    const gaps = [...s.gaps].sort((a, b) => a - b);
    const rendered = s.rendered;
    const ordered = rendered.every((seq, i) => i === 0 || seq === rendered[i - 1] + 1);
    const sortedOpen = [...openMs].sort((a, b) => a - b);
    const out = {
      size,
      seedSeconds,
      openMs: openMs.map(Math.round),
      openMedianMs: Math.round(percentile(sortedOpen, 50)),
      openMaxMs: Math.round(sortedOpen[sortedOpen.length - 1]),
      scroll: {
        back,
        stepPx,
        reached: s.reached,
        topSeq: s.topSeq,
        seconds: Math.round(s.ms / 100) / 10,
        atTopSeconds: Math.round(s.atTopMs / 100) / 10,
        frames: gaps.length,
        frameP50Ms: round1(percentile(gaps, 50)),
        frameP99Ms: round1(percentile(gaps, 99)),
        frameMaxMs: round1(gaps[gaps.length - 1]),
        framesOver50Ms: gaps.filter((g) => g > 50).length,
        longEntryType: s.entryType,
        longFrames: s.long.length,
        longestFrameMs: round1(Math.max(0, ...s.long.map((e) => e.ms))),
        // the most script run in one long frame (long-animation-frame only): the desk's own work, apart from the machine's load
        longestScriptMs: round1(Math.max(0, ...s.long.map((e) => e.scriptMs))),
        renderedRows: rendered.length,
        renderedInOrder: ordered,
        heapMB: s.heapBytes == null ? null : Math.round(s.heapBytes / 1e5) / 10,
      },
    };
    log(
      `  ${sys.name}: desk opens the newest page in ${out.openMs.join(', ')} ms (median ${out.openMedianMs}); ` +
        `scrolling back ${back} messages${s.reached ? '' : ` NOT REACHED (top seq ${s.topSeq})`}: ${out.scroll.frames} frames in ${out.scroll.seconds} s ` +
        `(${out.scroll.atTopSeconds} s at the top waiting for a page), frame p50/p99/max ${out.scroll.frameP50Ms}/${out.scroll.frameP99Ms}/${out.scroll.frameMaxMs} ms, ` +
        `${out.scroll.framesOver50Ms} over 50 ms; ${out.scroll.longFrames} ${s.entryType ?? 'long'} entries, longest ${out.scroll.longestFrameMs} ms (most script in one: ${out.scroll.longestScriptMs} ms); heap ${out.scroll.heapMB} MB`,
    );
    if (!ordered) throw new Error(`desk-screen: the rendered rows are not consecutive (${rendered.slice(0, 10).join(',')}…)`);
    return out;
  } finally {
    await browser.close().catch(() => {});
  }
}
