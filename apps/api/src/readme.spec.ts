// The README's tables of settings and limits are read from the code here: the
// limits table is rendered from the code (`UPDATE_README=1 npm test -- readme`
// rewrites it), the Configuration table must name every variable the config
// reader knows, with its default.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LIMIT_RULES, MAX_OPEN_CHATS_PER_CUSTOMER, MAX_SUBSCRIPTIONS_PER_SOCKET, SOCKET_UNREAD_BUDGET, type LimitName } from '@parley/api/core';
import { DEFAULT_PAGE_SIZES, LIMITS, WS_CLOSE_UNREAD_OVER_BUDGET } from '@parley/shared/limits';
import { CONFIG_VARIABLES } from '@parley/api/config';

const root = resolve(__dirname, '../../..');
const readmePath = join(root, 'README.md');
const readme = () => readFileSync(readmePath, 'utf8');

const LIMITS_START = '<!-- limits:start: generated from libs/shared/limits and libs/api/core/src/lib/rate-limits.ts by apps/api/src/readme.spec.ts -->';
const LIMITS_END = '<!-- limits:end -->';

/** What each abuse limit counts, in the README's words (a new rule fails the test until it is described here). */
const RULE_WORDING: Record<LimitName, string> = {
  loginPerIp: 'sign-in attempts per address',
  loginFailuresPerAccountAndIp: 'failed sign-ins per account and address',
  loginBlocksPerAccountAndIp: 'sign-in blocks per account and address (counted: each block lasts twice the one before, 1 to 15 min)',
  loginFailuresPerAccount: 'failed sign-ins per account (from everywhere)',
  registerPerIp: 'sign-ups per address',
  visitorSessionPerIp: 'website visitor sessions per address',
  sendPerUser: 'messages sent per user',
  startChatPerUser: 'new chats per customer',
  socketsPerUser: 'WebSocket connections per user (closed with 4429 above)',
  socketsPerIp: 'WebSocket upgrades per address, before any token is read (HTTP 429 above)',
  anonymousPerIp: 'requests without a valid token per address, before parsing (HTTP 429 above)',
  mutationPerCaller: 'each mutation per caller (user, else address), unless a field names its own rule',
  typingPerCaller: 'typing notices per caller',
  searchPerCaller: 'searches per caller',
  uploadPerUser: 'file uploads per user (`POST /uploads`)',
  passwordResetPerCaller: 'password reset emails asked for per caller',
  passwordResetPerEmail: 'password reset emails per address (over it the answer is the same and nothing is sent)',
  resetPasswordPerCaller: 'reset links tried per caller',
  transcriptPerCaller: 'transcripts emailed per customer',
  statusPerCaller: '"can someone answer now?" (`supportStatus`) per caller',
  reportPerCaller: 'team reports per caller',
};

const span = (min: number | undefined, max: number) => (min === undefined ? `at most ${max}` : `${min} to ${max}`);
const per = (seconds: number) => (seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`);

function limitsTable(): string {
  const inputs: Array<[string, string]> = [
    ['`email`', `${span(undefined, LIMITS.emailMax)} characters`],
    ['`password`', `${span(LIMITS.passwordMin, LIMITS.passwordMax)} characters`],
    ['`displayName`', `${span(LIMITS.displayNameMin, LIMITS.displayNameMax)} characters`],
    ['`subject`', `${span(undefined, LIMITS.subjectMax)} characters`],
    ['message `body`', `${span(LIMITS.messageBodyMin, LIMITS.messageBodyMax)} characters`],
    ['`clientMessageId`', `${span(LIMITS.clientMessageIdMin, LIMITS.clientMessageIdMax)} characters`],
    ['`attachmentIds`', `at most ${LIMITS.attachmentsPerMessageMax} uploads a message (each at most \`UPLOAD_MAX_BYTES\`)`],
    [
      'page size (`first`, `last`)',
      `${span(LIMITS.pageSizeMin, LIMITS.pageSizeMax)}; default ${DEFAULT_PAGE_SIZES.messages} messages, ${DEFAULT_PAGE_SIZES.chats} chats`,
    ],
  ];
  const rules = (Object.keys(LIMIT_RULES) as LimitName[]).map((name) => {
    const rule = LIMIT_RULES[name];
    const block = rule.blockSeconds > 0 ? `, then blocked ${per(rule.blockSeconds)}` : '';
    return `| ${RULE_WORDING[name]} | ${rule.points} per ${per(rule.seconds)}${block} |`;
  });
  return [
    LIMITS_START,
    '| input | limit |',
    '| --- | --- |',
    ...inputs.map(([what, limit]) => `| ${what} | ${limit} |`),
    '',
    '| abuse limit (`RATE_LIMIT_SCALE` multiplies each; `0` turns them off) | at scale 1 |',
    '| --- | --- |',
    ...rules,
    `| subscriptions open on one socket | ${MAX_SUBSCRIPTIONS_PER_SOCKET} |`,
    `| open chats per customer (not scaled; off with the rest) | ${MAX_OPEN_CHATS_PER_CUSTOMER} |`,
    `| unsent data one WebSocket may hold (not scaled, never off; over it for the grace time: closed with ${WS_CLOSE_UNREAD_OVER_BUDGET}) | ${SOCKET_UNREAD_BUDGET.bytes / 1024} KiB for ${SOCKET_UNREAD_BUDGET.graceSeconds} s |`,
    LIMITS_END,
  ].join('\n');
}

/** The Configuration section's table rows: the variables of the first cell, and the default cell. */
function configurationRows(text: string): Array<{ variables: string[]; defaults: string }> {
  const section = text.split('\n## Configuration\n')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line.split(' | ');
      return { variables: [...cells[0].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]), defaults: cells.at(-1) ?? '' };
    });
}

/** Variables the README documents that are read outside the config reader, and where. */
const READ_ELSEWHERE: Record<string, string> = {
  LOG_LEVEL: 'libs/api/server/src/lib/logger.ts',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'libs/api/observability/src/lib/tracing.ts',
};

describe('README', () => {
  it('shows the limits the code enforces', () => {
    const text = readme();
    const start = text.indexOf(LIMITS_START);
    const end = text.indexOf(LIMITS_END);
    expect(start).toBeGreaterThan(-1);
    const current = text.slice(start, end + LIMITS_END.length);
    if (process.env['UPDATE_README'] === '1' && current !== limitsTable()) writeFileSync(readmePath, text.replace(current, limitsTable()));
    else expect(current).toBe(limitsTable());
  });

  it('lists every setting the config reader knows, with its default, and no other', () => {
    const rows = configurationRows(readme());
    const documented = rows.flatMap((row) => row.variables);
    expect([...documented].sort()).toEqual([...Object.keys(CONFIG_VARIABLES), ...Object.keys(READ_ELSEWHERE)].sort());
    for (const [variable, file] of Object.entries(READ_ELSEWHERE)) expect({ file, reads: readFileSync(join(root, file), 'utf8').includes(variable) }).toEqual({ file, reads: true });
    for (const [variable, spec] of Object.entries(CONFIG_VARIABLES)) {
      const fallback = (spec as { default?: unknown }).default;
      if (fallback === undefined || (Array.isArray(fallback) && fallback.length === 0)) continue;
      const row = rows.find((r) => r.variables.includes(variable));
      expect({ variable, defaults: row?.defaults }).toEqual({ variable, defaults: expect.stringContaining(`\`${String(fallback)}\``) });
    }
  });
});
