import pino from 'pino';
import {
  acceptChat,
  createAgent,
  errorCode,
  gql,
  registerCustomer,
  sendMessage,
  startChat,
  startTestServer,
  subscribe,
  wsClient,
  type TestServer,
} from '@parley/api/testing';

/**
 * A strict reader of Prometheus's text format: every sample belongs to a
 * family declared by # TYPE, names and labels are well formed, values are
 * numbers. Returns each series (`name{a="x",b="y"}`, labels sorted) with its value.
 */
function parsePrometheusText(text: string): Map<string, number> {
  const series = new Map<string, number>();
  const types = new Map<string, string>();
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sample = new RegExp(`^(${name})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
  const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const meta = new RegExp(`^# (HELP|TYPE) (${name}) ?(.*)$`).exec(line);
      if (!meta) throw new Error(`bad comment line: ${line}`);
      if (meta[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(meta[3] as string)) throw new Error(`bad type: ${line}`);
        types.set(meta[2] as string, meta[3] as string);
      }
      continue;
    }
    const match = sample.exec(line);
    if (!match) throw new Error(`bad sample line: ${line}`);
    const [, metric, labelText = '', valueText] = match as unknown as [string, string, string | undefined, string];
    const family = metric.replace(/_(bucket|sum|count|total|created)$/, '');
    if (!types.has(metric) && !types.has(family)) throw new Error(`sample without # TYPE: ${line}`);
    const labels: string[] = [];
    let rest = labelText;
    while (rest.length) {
      const pair = label.exec(rest);
      if (!pair) throw new Error(`bad labels: ${line}`);
      labels.push(`${pair[1]}="${pair[2]}"`);
      rest = rest.slice(pair[0].length);
    }
    // Prometheus reads values with Go's ParseFloat: NaN and Inf in any case.
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(valueText);
    const value = special ? (/nan/i.test(special[2] as string) ? NaN : special[1] === '-' ? -Infinity : Infinity) : Number(valueText);
    if (!special && (valueText.trim() === '' || Number.isNaN(value))) throw new Error(`bad value: ${line}`);
    const key = labels.length ? `${metric}{${labels.sort().join(',')}}` : metric;
    if (series.has(key)) throw new Error(`duplicate series: ${key}`);
    series.set(key, value);
  }
  return series;
}

const METRICS_TOKEN = 'metrics-token-4f1e9c2a7b';

describe('operations: /metrics and request logs', () => {
  let api: TestServer;
  const logLines: string[] = [];

  beforeAll(async () => {
    // No redaction here: what the code chooses to log must already be free of secrets.
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
    api = await startTestServer({ metricsToken: METRICS_TOKEN }, { logger });
  });
  afterAll(async () => {
    await api?.stop();
  });

  const scrape = async () => {
    const res = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await res.text());
  };
  const value = (metrics: Map<string, number>, key: string) => metrics.get(key) ?? 0;
  /** Polls (bounded) until the gauges settle: socket closes are asynchronous on the server. */
  const scrapeUntil = async (done: (metrics: Map<string, number>) => boolean) => {
    let metrics = await scrape();
    for (let attempt = 0; attempt < 50 && !done(metrics); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      metrics = await scrape();
    }
    return metrics;
  };

  it('refuses /metrics without the token', async () => {
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${api.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('counts exactly what a conversation did, and logs it without secrets or bodies', async () => {
    const before = await scrape();
    // The process metrics and event-loop lag are there too.
    expect(before.has('process_cpu_user_seconds_total')).toBe(true);
    expect(before.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(value(before, 'parley_ready')).toBe(1);

    const customer = await registerCustomer(api, 'Casey Metrics');
    const agent = await createAgent(api, 'Alex Metrics');
    const secretBodies = ['first words 7a1c', 'customer reply 93bd', 'agent reply e05f'];
    const chatId = await startChat(api, customer, secretBodies[0]);

    const queued = await scrape();
    expect(value(queued, 'parley_queue_length')).toBe(1);
    expect(value(queued, 'parley_chats{status="QUEUED"}')).toBe(1);
    expect(value(queued, 'parley_queue_oldest_wait_seconds')).toBeGreaterThanOrEqual(0);

    const ws = wsClient(api.wsUrl, customer.token);
    const stream = subscribe(ws, `subscription($c: ID!) { messageAdded(chatId: $c, afterSeq: 0) { seq } }`, { c: chatId });
    await stream.waitFor(1); // the replayed first message

    const live = await scrape();
    expect(value(live, 'parley_websocket_connections')).toBe(1);
    expect(value(live, 'parley_subscriptions_active{operation="messageAdded"}')).toBe(1);

    await acceptChat(api, agent, chatId);
    await sendMessage(api, customer, chatId, secretBodies[1] as string);
    const reply = await fetch(api.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}`, 'x-request-id': 'reply-request-1' },
      body: JSON.stringify({
        query: `mutation($input: SendMessageInput!) { sendMessage(input: $input) { seq } }`,
        variables: { input: { chatId, body: secretBodies[2] } },
      }),
    });
    expect(reply.status).toBe(200);
    await gql(api.graphqlUrl, `mutation($c: ID!) { closeChat(chatId: $c) { id } }`, { c: chatId }, agent.token);
    const closed = await gql(
      api.graphqlUrl,
      `mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq } }`,
      {
        i: { chatId, body: 'after the end' },
      },
      customer.token,
    );
    expect(errorCode(closed)).toBe('CHAT_CLOSED');
    // An error over the socket counts too: a subscription to a chat that does not exist.
    const refused = subscribe(ws, `subscription { messageAdded(chatId: "00000000-0000-4000-8000-000000000000") { id } }`);
    await refused.ended;

    // What the chat holds (first message, "joined", two replies, "closed", and whatever else the product adds) all reached the subscriber.
    const stored: Array<{ kind: string; count: number }> = await api.server.dataSource.query(
      `SELECT kind, count(*)::int AS count FROM messages WHERE "chatId" = $1 GROUP BY kind`,
      [chatId],
    );
    const storedTotal = stored.reduce((sum, row) => sum + row.count, 0);
    expect(storedTotal).toBeGreaterThanOrEqual(5);
    await stream.waitFor(storedTotal);

    const after = await scrape();
    const delta = (key: string) => value(after, key) - value(before, key);
    for (const { kind, count } of stored) expect(delta(`parley_messages_sent_total{kind="${kind}"}`)).toBe(count);
    expect(delta('parley_messages_delivered_total')).toBe(storedTotal);
    // The replayed first message is not a live delivery: no delay sample for it; the four sent while subscribed are.
    expect(delta('parley_message_delivery_delay_seconds_count')).toBeGreaterThanOrEqual(4);
    expect(delta('parley_message_delivery_delay_seconds_count')).toBeLessThanOrEqual(storedTotal - 1);
    expect(delta('parley_graphql_request_duration_seconds_count{operation="sendMessage",outcome="ok"}')).toBe(2);
    expect(delta('parley_graphql_request_duration_seconds_count{operation="sendMessage",outcome="error"}')).toBe(1);
    expect(delta('parley_graphql_request_duration_seconds_count{operation="startChat",outcome="ok"}')).toBe(1);
    expect(delta('parley_graphql_errors_total{code="CHAT_CLOSED"}')).toBe(1);
    expect(delta('parley_graphql_errors_total{code="NOT_FOUND"}')).toBe(1);
    expect(value(after, 'parley_queue_length')).toBe(0);
    expect(value(after, 'parley_chats{status="ACTIVE"}')).toBe(0);
    expect(value(after, 'parley_db_query_duration_seconds_count')).toBeGreaterThan(value(before, 'parley_db_query_duration_seconds_count'));
    expect(value(after, 'parley_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);

    await ws.dispose();
    const settled = await scrapeUntil((m) => value(m, 'parley_websocket_connections') === 0);
    expect(value(settled, 'parley_websocket_connections')).toBe(0);
    expect(value(settled, 'parley_subscriptions_active{operation="messageAdded"}')).toBe(0);

    const entries = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const replyLine = entries.find((entry) => entry['requestId'] === 'reply-request-1');
    expect(replyLine).toMatchObject({ msg: 'graphql request', operation: 'sendMessage', userId: agent.id, code: 'OK' });
    expect(typeof replyLine?.['durationMs']).toBe('number');
    expect(entries.find((e) => e['msg'] === 'graphql request' && e['code'] === 'CHAT_CLOSED')).toMatchObject({ userId: customer.id });
    expect(entries.filter((e) => e['msg'] === 'websocket opened' || e['msg'] === 'websocket closed')).toHaveLength(2);
    const ended = entries.find((e) => e['msg'] === 'subscription ended');
    expect(ended).toMatchObject({ operation: 'messageAdded', userId: customer.id });
    expect(typeof ended?.['durationMs']).toBe('number');
    // Every GraphQL request line has a request id.
    for (const entry of entries.filter((e) => e['msg'] === 'graphql request')) expect(entry['requestId']).toEqual(expect.any(String));

    const everything = logLines.join('\n');
    const secrets = [
      ...secretBodies,
      'after the end',
      customer.password,
      agent.password,
      api.admin.password,
      customer.token,
      agent.token,
      METRICS_TOKEN,
    ];
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
