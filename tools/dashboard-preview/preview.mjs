#!/usr/bin/env node
// npm run dashboard:preview [-- --seconds N] [-- --out FILE] [-- --keep-html FILE]
//
// A screenshot of the Grafana dashboard (docker/grafana/parley.json) without
// Grafana: starts the API on a fresh PostgreSQL database and Debian's
// Prometheus scraping it every second, drives a minute of realistic traffic
// through the public GraphQL API, runs every panel's PromQL against
// Prometheus, renders the panels at their grid positions as static HTML and
// screenshots it with Debian's Chromium into docs/images/dashboard.png.
// Everything runs on loopback; whatever it started is stopped at the end
// (also on failure) and its database dropped.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { createClient } from "graphql-ws";
import { chromium } from "playwright-core";
import {
  freePort,
  killAllChildren,
  sleep,
  startProcess,
  stopProcess,
  waitReady,
  withAdmin,
} from "../bench/lib/util.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
const DASHBOARD = path.join(repoRoot, "docker/grafana/parley.json");
const ALERTS = path.join(repoRoot, "docker/prometheus/alerts.yml");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PROMETHEUS = "/usr/bin/prometheus";

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const TRAFFIC_SECONDS = Math.max(
  10,
  Math.min(600, Number(option("seconds", 60))),
);
const OUT = path.resolve(repoRoot, option("out", "docs/images/dashboard.png"));
const KEEP_HTML = option("keep-html", null);
/** Grafana's $__rate_interval for a 1 s scrape would be 4 s; 10 s gives readable lines over one minute. */
const RATE_INTERVAL = "10s";
const STEP_SECONDS = 1;

const log = (msg) => console.log(`[dashboard-preview] ${msg}`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "parley-dashboard-"));
const cleanups = [];

// ------------------------------------------------------------------ start

async function createDatabase() {
  const name = `parley_dashboard_${randomBytes(4).toString("hex")}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  cleanups.push(() =>
    withAdmin(async (c) => {
      await c.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [name],
      );
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
    }),
  );
  return name;
}

const ADMIN = {
  email: "admin@parley.test",
  password: `admin-${randomBytes(6).toString("hex")}`,
};

async function startApi(dbName) {
  const main = path.join(repoRoot, "dist/apps/api/main.js");
  if (!fs.existsSync(main)) {
    log("building the API (dist/apps/api/main.js is missing)");
    execFileSync(process.execPath, ["tools/build/build-api.mjs"], {
      cwd: repoRoot,
      stdio: "inherit",
    });
  }
  const port = await freePort();
  const api = startProcess("api", process.execPath, [main], {
    cwd: repoRoot,
    logFile: path.join(tmp, "api.log"),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
      NODE_ENV: "development",
      RATE_LIMIT_SCALE: "0",
      SEED_DEMO: "true",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      METRICS_TOKEN: "",
      OTEL_EXPORTER_OTLP_ENDPOINT: "",
      LOG_LEVEL: "warn",
    },
  });
  cleanups.push(() => stopProcess(api));
  await waitReady(`http://127.0.0.1:${port}/readyz`, api, 90_000);
  return port;
}

async function startPrometheus(apiPort) {
  if (!fs.existsSync(PROMETHEUS)) {
    log("installing Debian prometheus");
    execFileSync("apt-get", ["install", "-y", "prometheus"], {
      stdio: "inherit",
    });
  }
  const port = await freePort();
  const config = path.join(tmp, "prometheus.yml");
  fs.writeFileSync(
    config,
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "rule_files:",
      `  - ${JSON.stringify(ALERTS)}`,
      "scrape_configs:",
      "  - job_name: parley", // the dashboard's queries select job="parley"
      "    metrics_path: /metrics",
      "    static_configs:",
      `      - targets: ["127.0.0.1:${apiPort}"]`,
      "",
    ].join("\n"),
  );
  const prom = startProcess(
    "prometheus",
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(tmp, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=1h",
    ],
    { cwd: tmp, logFile: path.join(tmp, "prometheus.log") },
  );
  cleanups.push(() => stopProcess(prom));
  await waitReady(`http://127.0.0.1:${port}/-/ready`, prom, 60_000);
  return `http://127.0.0.1:${port}`;
}

// ------------------------------------------------------------------ traffic

/** Deterministic pseudo-random numbers, so every run tells the same story. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Api {
  constructor(port) {
    this.http = `http://127.0.0.1:${port}/graphql`;
    this.ws = `ws://127.0.0.1:${port}/graphql`;
    this.clients = new Set();
  }

  /** One POST /graphql; returns { data, errors } (errors are part of the traffic). */
  async call(query, variables = {}, token) {
    const res = await fetch(this.http, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    });
    return res.json();
  }

  async ok(query, variables, token) {
    const body = await this.call(query, variables, token);
    if (body.errors?.length)
      throw new Error(
        `${query.split("{")[0].trim()}: ${body.errors[0].message}`,
      );
    return body.data;
  }

  socket(token) {
    const client = createClient({
      url: this.ws,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
    });
    this.clients.add(client);
    return {
      client,
      subscribe: (query, variables) =>
        client.subscribe(
          { query, variables },
          { next: () => {}, error: () => {}, complete: () => {} },
        ),
      close: async () => {
        this.clients.delete(client);
        await client.dispose();
      },
    };
  }

  async closeAll() {
    await Promise.all([...this.clients].map((c) => c.dispose()));
    this.clients.clear();
  }
}

const Q = {
  login:
    "mutation Login($input: LoginInput!) { login(input: $input) { token user { id } } }",
  register:
    "mutation Register($input: RegisterInput!) { register(input: $input) { token user { id } } }",
  createAgent:
    "mutation CreateAgent($input: RegisterInput!) { createAgent(input: $input) { id } }",
  startChat:
    "mutation StartChat($input: StartChatInput!) { startChat(input: $input) { id status } }",
  requestHuman:
    "mutation RequestHuman($chatId: ID!) { requestHuman(chatId: $chatId) { id } }",
  queue: "query Queue { queue { id createdAt } }",
  accept:
    "mutation AcceptChat($chatId: ID!) { acceptChat(chatId: $chatId) { id } }",
  send: "mutation SendMessage($input: SendMessageInput!) { sendMessage(input: $input) { id seq } }",
  typing:
    "mutation SetTyping($chatId: ID!, $typing: Boolean!) { setTyping(chatId: $chatId, typing: $typing) }",
  close:
    "mutation CloseChat($chatId: ID!) { closeChat(chatId: $chatId) { id } }",
  chats: "query Chats { chats(first: 10) { edges { node { id status } } } }",
  messageAdded:
    "subscription MessageAdded($chatId: ID!) { messageAdded(chatId: $chatId) { id seq body } }",
  chatUpdated: "subscription ChatUpdated { chatUpdated { id status } }",
  typingChanged:
    "subscription TypingChanged($chatId: ID!) { typingChanged(chatId: $chatId) { typing } }",
};

const QUESTIONS = [
  "How do I return an item?",
  "When will my refund arrive?",
  "My parcel has not arrived yet",
  "Can I change my delivery address?",
  "I forgot my password, how do I reset it?",
  "Which payment methods do you accept?",
  "Do you ship internationally?",
  "How do I use a discount code?",
];
const HUMAN_QUESTIONS = [
  "I was charged twice, I want to talk to a person please",
  "Can I speak to an agent? My order arrived damaged",
  "I need a human, the wrong size arrived",
];
const AGENT_LINES = [
  "Hello, I am looking into it now.",
  "Thanks for waiting. I can see your order.",
  "Done, you will get an email shortly.",
  "Anything else I can help with?",
];
const CUSTOMER_LINES = [
  "Thank you!",
  "The order number is 10443.",
  "Great, that helps.",
  "No, that is all.",
];

async function driveTraffic(api, seconds) {
  const random = rng(8);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const admin = await api.ok(Q.login, { input: ADMIN });

  const agents = [];
  for (const name of ["Ada", "Ben", "Chloe", "Dev"]) {
    const email = `${name.toLowerCase()}.${randomBytes(3).toString("hex")}@parley.test`;
    const password = `agent-${randomBytes(6).toString("hex")}`;
    await api.ok(
      Q.createAgent,
      { input: { email, password, displayName: name } },
      admin.login.token,
    );
    const { login } = await api.ok(Q.login, { input: { email, password } });
    const socket = api.socket(login.token);
    socket.subscribe(Q.chatUpdated, {});
    agents.push({
      name,
      token: login.token,
      socket,
      chats: [],
      onShiftUntil: Infinity,
    });
  }
  // Mid-way one agent goes on a break and another stops taking new chats: the queue builds up.
  agents[2].onShiftUntil = Math.floor(seconds * 0.45);
  agents[3].onShiftUntil = Math.floor(seconds * 0.7);

  const customers = [];
  const t0 = Date.now();
  let n = 0;
  for (let tick = 0; tick < seconds; tick++) {
    const tickStart = Date.now();
    const work = [];

    // New customers: one or two a second, a few asking straight for a person.
    const arrivals = random() < 0.55 ? 2 : 1;
    for (let a = 0; a < arrivals; a++) {
      work.push(
        (async () => {
          const i = n++;
          const wantsHuman = random() < 0.3;
          const reg = await api.ok(Q.register, {
            input: {
              email: `customer${i}.${randomBytes(3).toString("hex")}@parley.test`,
              password: `customer-${randomBytes(6).toString("hex")}`,
              displayName: `Customer ${i}`,
            },
          });
          const token = reg.register.token;
          const { startChat } = await api.ok(
            Q.startChat,
            {
              input: {
                message: wantsHuman ? pick(HUMAN_QUESTIONS) : pick(QUESTIONS),
                clientMessageId: `c${i}-0`,
              },
            },
            token,
          );
          const socket = api.socket(token);
          socket.subscribe(Q.messageAdded, { chatId: startChat.id });
          socket.subscribe(Q.typingChanged, { chatId: startChat.id });
          const customer = {
            i,
            token,
            chatId: startChat.id,
            socket,
            sent: 1,
            state: "bot",
          };
          customers.push(customer);
          if (!wantsHuman && random() < 0.5)
            customer.asksHumanAt = tick + 2 + Math.floor(random() * 4);
          else if (wantsHuman) customer.state = "waiting";
        })(),
      );
    }

    // Customers talking to the bot: some are satisfied, some then ask for a person.
    for (const c of customers) {
      if (c.state === "bot" && c.asksHumanAt === tick) {
        c.state = "waiting";
        work.push(api.call(Q.requestHuman, { chatId: c.chatId }, c.token));
      } else if (c.state === "bot" && random() < 0.08) {
        c.state = "done"; // the bot's answer was enough
        work.push(
          api
            .ok(Q.close, { chatId: c.chatId }, c.token)
            .finally(() => c.socket.close()),
        );
      }
    }

    // Agents on shift take the oldest queued chat when they have room.
    for (const agent of agents) {
      if (
        tick >= agent.onShiftUntil ||
        agent.chats.length >= 3 ||
        random() < 0.35
      )
        continue;
      work.push(
        (async () => {
          const { queue } = await api.ok(Q.queue, {}, agent.token);
          const waiting = queue.find((chat) =>
            customers.some(
              (c) => c.chatId === chat.id && c.state === "waiting",
            ),
          );
          const target = waiting ?? queue[0];
          if (!target) return;
          const res = await api.call(
            Q.accept,
            { chatId: target.id },
            agent.token,
          );
          if (res.errors) return; // another agent was faster (CONFLICT): real life
          const customer = customers.find((c) => c.chatId === target.id);
          if (customer) customer.state = "active";
          agent.socket.subscribe(Q.messageAdded, { chatId: target.id });
          agent.chats.push({
            chatId: target.id,
            customer,
            turns: 0,
            closeAfter: 3 + Math.floor(random() * 4),
          });
        })(),
      );
    }

    // Conversations: the agent types and answers, the customer answers back, the agent closes.
    for (const agent of agents) {
      for (const chat of [...agent.chats]) {
        if (random() < 0.45) continue;
        chat.turns++;
        work.push(
          (async () => {
            if (chat.turns >= chat.closeAfter) {
              agent.chats.splice(agent.chats.indexOf(chat), 1);
              await api.ok(Q.close, { chatId: chat.chatId }, agent.token);
              if (chat.customer) {
                chat.customer.state = "done";
                await chat.customer.socket.close();
              }
              return;
            }
            await api.call(
              Q.typing,
              { chatId: chat.chatId, typing: true },
              agent.token,
            );
            await api.ok(
              Q.send,
              {
                input: {
                  chatId: chat.chatId,
                  body: pick(AGENT_LINES),
                  clientMessageId: `a${chat.chatId}-${chat.turns}`,
                },
              },
              agent.token,
            );
            if (chat.customer && random() < 0.7) {
              const c = chat.customer;
              await api.ok(
                Q.send,
                {
                  input: {
                    chatId: c.chatId,
                    body: pick(CUSTOMER_LINES),
                    clientMessageId: `c${c.i}-${c.sent++}`,
                  },
                },
                c.token,
              );
            }
          })(),
        );
      }
    }

    // Customers look at their chats now and then.
    for (const c of customers)
      if (c.state !== "done" && random() < 0.1)
        work.push(api.call(Q.chats, {}, c.token));

    // A few bad requests, the kind every public API gets.
    if (tick % 4 === 1)
      work.push(
        api.call(Q.login, {
          input: { email: ADMIN.email, password: "wrong password" },
        }),
      );
    if (tick % 6 === 2) work.push(api.call("query { queue { id ", {}));
    if (tick % 7 === 3) work.push(api.call(Q.queue, {}));
    if (tick % 9 === 4 && customers.length)
      work.push(
        api.call(
          Q.send,
          { input: { chatId: customers[0].chatId, body: "" } },
          customers[customers.length - 1].token,
        ),
      );
    if (tick % 11 === 5 && customers.length)
      work.push(
        api.call(Q.accept, { chatId: customers[0].chatId }, agents[0].token),
      );

    const results = await Promise.allSettled(work);
    const failed = results.filter((r) => r.status === "rejected");
    if (failed.length)
      log(
        `t=${tick}s: ${failed.length} step(s) failed: ${failed[0].reason?.message}`,
      );
    if (tick % 10 === 9) {
      const waiting = customers.filter((c) => c.state === "waiting").length;
      const active = agents.reduce((sum, a) => sum + a.chats.length, 0);
      log(
        `t=${tick + 1}s: ${customers.length} customers, ${active} chats with agents, ${waiting} waiting for one`,
      );
    }
    await sleep(Math.max(0, 1000 - (Date.now() - tickStart)));
  }
  return { startedAt: t0, customers: customers.length };
}

// ------------------------------------------------------------------ queries

async function queryRange(prometheus, expr, start, end) {
  const url = new URL("/api/v1/query_range", prometheus);
  url.searchParams.set(
    "query",
    expr
      .replaceAll("$__rate_interval", RATE_INTERVAL)
      .replaceAll("$__interval", `${STEP_SECONDS}s`),
  );
  url.searchParams.set("start", String(start));
  url.searchParams.set("end", String(end));
  url.searchParams.set("step", String(STEP_SECONDS));
  const body = await (
    await fetch(url, { signal: AbortSignal.timeout(15_000) })
  ).json();
  if (body.status !== "success")
    throw new Error(`Prometheus rejected ${expr}: ${body.error}`);
  return body.data.result.map((r) => ({
    metric: r.metric,
    values: r.values.map(([t, v]) => [t, Number(v)]),
  }));
}

function legend(format, metric) {
  if (!format)
    return (
      Object.entries(metric)
        .map(([k, v]) => `${k}="${v}"`)
        .join(", ") || "value"
    );
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? "");
}

async function panelData(prometheus, panels, start, end) {
  const out = [];
  for (const panel of panels) {
    const series = [];
    for (const target of panel.targets ?? []) {
      for (const r of await queryRange(prometheus, target.expr, start, end))
        series.push({
          name: legend(target.legendFormat, r.metric),
          values: r.values.filter(([, v]) => Number.isFinite(v)),
        });
    }
    out.push({ panel, series });
  }
  return out;
}

// ------------------------------------------------------------------ render

const PALETTE = [
  "#73bf69",
  "#fade2a",
  "#5794f2",
  "#ff9830",
  "#f2495c",
  "#b877d9",
  "#8ab8ff",
  "#96d98d",
  "#ffcb7d",
  "#ca95e5",
];
const COLORS = {
  green: "#299c46",
  orange: "#d9822b",
  red: "#d44a3a",
  yellow: "#e0b400",
  blue: "#3274d9",
};
const esc = (s) =>
  String(s).replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c],
  );

function num(v, digits = 3) {
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${+(v / 1e9).toPrecision(digits)} Bil`;
  if (abs >= 1e6) return `${+(v / 1e6).toPrecision(digits)} Mil`;
  if (abs >= 1e3) return `${+(v / 1e3).toPrecision(digits)} K`;
  return String(+v.toPrecision(digits));
}

/** Grafana's units used by the dashboard. */
function formatValue(v, unit) {
  if (v === undefined || v === null || !Number.isFinite(v)) return "No data";
  switch (unit) {
    case "s": {
      const abs = Math.abs(v);
      if (abs === 0) return "0 s";
      if (abs < 1e-3) return `${num(v * 1e6)} µs`;
      if (abs < 1) return `${num(v * 1e3)} ms`;
      if (abs < 60) return `${num(v)} s`;
      if (abs < 3600) return `${num(v / 60)} min`;
      return `${num(v / 3600)} hour`;
    }
    case "ops":
      return `${num(v)} ops/s`;
    case "reqps":
      return `${num(v)} req/s`;
    case "percentunit":
      return `${num(v * 100)}%`;
    case "bytes": {
      const units = ["B", "KiB", "MiB", "GiB"];
      let i = 0;
      while (Math.abs(v) >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return `${num(v)} ${units[i]}`;
    }
    default:
      return num(v);
  }
}

function thresholdColor(value, thresholds) {
  let color = "green";
  for (const step of thresholds?.steps ?? [])
    if (step.value === null || value >= step.value) color = step.color;
  return COLORS[color] ?? color;
}

/** A round axis maximum whose quarters are round too (in 1024s for bytes, as Grafana's IEC unit). */
function niceMax(max, unit) {
  if (max <= 0) return 1;
  if (unit === "bytes" && max >= 1024) {
    const k = 1024 ** Math.floor(Math.log(max) / Math.log(1024));
    return niceMax(max / k) * k;
  }
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 1.2, 1.6, 2, 3, 4, 6, 8, 10])
    if (m * p >= max * 0.999) return m * p;
  return 10 * p;
}

const clock = (t) => new Date(t * 1000).toISOString().slice(11, 19);

/** Per-series unit and axis from the panel's byName overrides (Grafana's field overrides). */
function seriesFields(panel, name) {
  const fields = {
    unit: panel.fieldConfig?.defaults?.unit,
    axis: panel.fieldConfig?.defaults?.custom?.axisPlacement ?? "left",
  };
  for (const override of panel.fieldConfig?.overrides ?? []) {
    const m = override.matcher ?? {};
    const matches =
      (m.id === "byName" && m.options === name) ||
      (m.id === "byRegexp" && new RegExp(m.options).test(name));
    if (!matches) continue;
    for (const prop of override.properties ?? []) {
      if (prop.id === "unit") fields.unit = prop.value;
      if (prop.id === "custom.axisPlacement") fields.axis = prop.value;
    }
  }
  return fields;
}

function lineChart(panel, series, width, height, start, end) {
  const fields = series.map((s) => seriesFields(panel, s.name));
  const hasRight = fields.some((f) => f.axis === "right");
  const left = 64;
  const right = hasRight ? 64 : 8;
  const top = 8;
  const bottom = 20;
  const w = width - left - right;
  const h = height - top - bottom;
  const axes = {};
  for (const side of ["left", "right"]) {
    const onSide = series.filter(
      (_, i) => (fields[i].axis === "right") === (side === "right"),
    );
    if (!onSide.length) continue;
    const unit = fields[series.indexOf(onSide[0])].unit;
    axes[side] = {
      unit,
      max: niceMax(
        Math.max(0, ...onSide.flatMap((s) => s.values.map(([, v]) => v))),
        unit,
      ),
    };
  }
  const x = (t) => left + ((t - start) / (end - start)) * w;
  const y = (v, axis) => top + h - (v / axis.max) * h;
  const parts = [];
  const grid = axes.left ?? axes.right;
  for (let i = 0; i <= 4; i++) {
    parts.push(
      `<line x1="${left}" x2="${left + w}" y1="${y((grid.max * i) / 4, grid)}" y2="${y((grid.max * i) / 4, grid)}" class="grid"/>`,
    );
    for (const [side, axis] of Object.entries(axes)) {
      const v = (axis.max * i) / 4;
      const tx = side === "left" ? left - 6 : left + w + 6;
      parts.push(
        `<text x="${tx}" y="${y(v, axis) + 4}" class="axis" text-anchor="${side === "left" ? "end" : "start"}">${esc(formatValue(v, axis.unit))}</text>`,
      );
    }
  }
  const ticks = w < 360 ? 2 : 4;
  for (let i = 0; i <= ticks; i++) {
    const t = start + ((end - start) * i) / ticks;
    parts.push(
      `<text x="${x(t)}" y="${height - 4}" class="axis" text-anchor="${i === 0 ? "start" : i === ticks ? "end" : "middle"}">${clock(t)}</text>`,
    );
  }
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const axis = fields[i].axis === "right" ? axes.right : axes.left;
    // Break the line where Prometheus had no sample (a gap longer than two steps).
    let d = "";
    let prev = null;
    for (const [t, v] of s.values) {
      d += `${prev === null || t - prev > 2 * STEP_SECONDS ? "M" : "L"}${x(t).toFixed(1)},${y(v, axis).toFixed(1)}`;
      prev = t;
    }
    if (d)
      parts.push(
        `<path d="${d}" stroke="${color}" fill="none" stroke-width="1.6"/>`,
      );
  });
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join("")}</svg>`;
}

function sparkline(values, width, height, start, end) {
  if (values.length < 2) return "";
  const max = Math.max(...values.map(([, v]) => v)) || 1;
  const pts = values.map(
    ([t, v]) =>
      `${(((t - start) / (end - start)) * width).toFixed(1)},${(height - (v / max) * height * 0.9).toFixed(1)}`,
  );
  return `<svg class="spark" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none"><path d="M0,${height}L${pts.join("L")}L${width},${height}Z" fill="rgba(255,255,255,0.18)"/><path d="M${pts.join("L")}" stroke="rgba(255,255,255,0.55)" fill="none" stroke-width="1.5"/></svg>`;
}

const COLUMN = 66; // px per grid column (24 columns)
const ROW = 30; // px per grid row, as in Grafana
const GAP = 8;

function render(dashboard, data, start, end, alerts) {
  const blocks = [];
  let maxBottom = 0;
  for (const { panel, series } of data) {
    const g = panel.gridPos;
    const left = g.x * COLUMN + GAP / 2;
    const top = g.y * ROW + GAP / 2;
    const width = g.w * COLUMN - GAP;
    const height = g.h * ROW - GAP;
    maxBottom = Math.max(maxBottom, (g.y + g.h) * ROW);
    const pos = `left:${left}px;top:${top}px;width:${width}px;height:${height}px`;
    if (panel.type === "row") {
      blocks.push(
        `<div class="row" style="${pos}">⌄ ${esc(panel.title)}</div>`,
      );
      continue;
    }
    const unit = panel.fieldConfig?.defaults?.unit;
    const title = `<div class="title">${esc(panel.title)}</div>`;
    if (panel.type === "stat") {
      const cells = series.length
        ? series.map((s) => {
            const last = s.values.at(-1)?.[1];
            const bg = Number.isFinite(last)
              ? thresholdColor(last, panel.fieldConfig?.defaults?.thresholds)
              : "#2a2d33";
            const cellWidth =
              Math.floor((width - 16) / series.length) -
              (series.length > 1 ? 6 : 0);
            return `<div class="stat" style="background:${bg}">${sparkline(s.values, cellWidth, height - 48, start, end)}<div class="big">${esc(formatValue(last, unit))}</div>${series.length > 1 ? `<div class="statname">${esc(s.name)}</div>` : ""}</div>`;
          })
        : ['<div class="nodata">No data</div>'];
      blocks.push(
        `<div class="panel" style="${pos}">${title}<div class="stats">${cells.join("")}</div></div>`,
      );
      continue;
    }
    const legendHeight = 20 * Math.ceil(series.length / 3);
    const chart = series.length
      ? lineChart(
          panel,
          series,
          width - 16,
          height - 40 - legendHeight,
          start,
          end,
        )
      : '<div class="nodata">No data</div>';
    const legendHtml = series
      .map(
        (s, i) =>
          `<span class="key"><i style="background:${PALETTE[i % PALETTE.length]}"></i>${esc(s.name)}</span>`,
      )
      .join("");
    blocks.push(
      `<div class="panel" style="${pos}">${title}${chart}<div class="legend">${legendHtml}</div></div>`,
    );
  }
  const firing = alerts.filter((a) => a.state !== "inactive");
  const alertLine = `${alerts.length} alert rules from docker/prometheus/alerts.yml loaded: ${
    firing.length
      ? firing.map((a) => `${esc(a.name)} ${esc(a.state)}`).join(", ")
      : "none pending or firing"
  }`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${esc(dashboard.title)} dashboard preview</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; background: #111217; color: #ccccdc; font: 13px/1.4 "DejaVu Sans", Inter, Helvetica, Arial, sans-serif; }
  header { display: flex; align-items: baseline; gap: 16px; padding: 12px 16px 4px; }
  header h1 { margin: 0; font-size: 18px; font-weight: 500; color: #e6e6ef; }
  header .range { margin-left: auto; color: #9fa7b3; border: 1px solid #2c3235; border-radius: 2px; padding: 3px 8px; background: #181b1f; }
  .caption { padding: 0 16px 10px; color: #8e8e9e; font-size: 12px; }
  .caption b { color: #b7b7c8; font-weight: 500; }
  .grid-area { position: relative; margin: 0 12px 16px; width: ${24 * COLUMN}px; height: ${maxBottom}px; }
  .panel { position: absolute; background: #181b1f; border: 1px solid #24292e; border-radius: 2px; padding: 6px 8px; overflow: hidden; }
  .row { position: absolute; color: #e6e6ef; font-size: 15px; font-weight: 500; padding-top: 4px; }
  .title { color: #d8d9da; font-weight: 500; font-size: 13px; height: 24px; }
  .stats { display: flex; gap: 6px; height: calc(100% - 24px); }
  .stat { position: relative; flex: 1; border-radius: 2px; display: flex; flex-direction: column; align-items: center; justify-content: center; overflow: hidden; }
  .stat .spark { position: absolute; left: 0; bottom: 0; }
  .big { position: relative; font-size: 40px; font-weight: 500; color: #fff; }
  .statname { position: relative; color: #fff; opacity: 0.85; font-size: 12px; }
  .nodata { color: #6e6e7e; text-align: center; padding-top: 40px; }
  svg .grid { stroke: #2c3235; stroke-width: 1; }
  svg .axis { fill: #9fa7b3; font-size: 11px; }
  .legend { display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 12px; color: #ccccdc; }
  .key i { display: inline-block; width: 14px; height: 4px; border-radius: 2px; margin-right: 6px; vertical-align: middle; }
  footer { padding: 0 16px 14px; color: #8e8e9e; font-size: 12px; }
</style></head>
<body>
<header><h1>Dashboards › ${esc(dashboard.title)}</h1><span>${esc(dashboard.description ?? "")}</span><span class="range">${clock(start)} – ${clock(end)} UTC · step ${STEP_SECONDS}s</span></header>
<div class="caption"><b>Parley dashboard (docker/grafana/parley.json) rendered from live Prometheus data by tools/dashboard-preview</b> — every panel's PromQL run against Prometheus scraping the API every second during ${TRAFFIC_SECONDS} s of generated traffic ($__rate_interval = ${RATE_INTERVAL}).</div>
<div class="grid-area">${blocks.join("\n")}</div>
<footer>${alertLine}</footer>
</body></html>`;
}

async function screenshot(html, out) {
  const file = path.join(tmp, "dashboard.html");
  fs.writeFileSync(file, html);
  if (KEEP_HTML) fs.copyFileSync(file, path.resolve(KEEP_HTML));
  const context = await chromium.launchPersistentContext(
    path.join(tmp, "chromium-profile"),
    {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
      viewport: { width: 24 * COLUMN + 24, height: 900 },
      deviceScaleFactor: 1,
    },
  );
  cleanups.push(() => context.close());
  const page = await context.newPage();
  await page.goto(`file://${file}`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  await context.close();
}

// ------------------------------------------------------------------ main

async function main() {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, "utf8"));
  const dbName = await createDatabase();
  log(`database ${dbName}`);
  const apiPort = await startApi(dbName);
  log(`API ready on 127.0.0.1:${apiPort}`);
  const prometheus = await startPrometheus(apiPort);
  log(`Prometheus ready on ${prometheus.slice(7)}`);
  await sleep(3000); // a few scrapes of the idle server first

  const api = new Api(apiPort);
  cleanups.push(() => api.closeAll());
  log(`driving ${TRAFFIC_SECONDS} s of traffic`);
  const start = Date.now() / 1000 - 3;
  const traffic = await driveTraffic(api, TRAFFIC_SECONDS);
  await sleep(3000); // let the last scrapes land; sockets stay open, as in real life
  const end = Date.now() / 1000;
  log(`traffic done (${traffic.customers} customers); querying Prometheus`);

  const panels = dashboard.panels.flatMap((p) =>
    p.type === "row" ? [p, ...(p.panels ?? [])] : [p],
  );
  const data = await panelData(
    prometheus,
    panels,
    Math.floor(start),
    Math.ceil(end),
  );
  const empty = data.filter(
    (d) => d.panel.type !== "row" && !d.series.some((s) => s.values.length),
  );
  if (empty.length)
    log(`panels without data: ${empty.map((d) => d.panel.title).join(", ")}`);
  const rules = await (await fetch(`${prometheus}/api/v1/rules`)).json();
  const alerts = rules.data.groups.flatMap((g) =>
    g.rules.filter((r) => r.type === "alerting"),
  );

  await screenshot(
    render(dashboard, data, Math.floor(start), Math.ceil(end), alerts),
    OUT,
  );
  log(`wrote ${path.relative(repoRoot, OUT)}`);
}

async function cleanup() {
  for (const fn of cleanups.reverse())
    await Promise.resolve()
      .then(fn)
      .catch((err) => log(`cleanup: ${err.message}`));
  killAllChildren();
  fs.rmSync(tmp, { recursive: true, force: true });
}

let exitCode = 0;
for (const signal of ["SIGINT", "SIGTERM"])
  process.once(signal, () => {
    log(`${signal}: stopping`);
    cleanup().finally(() => process.exit(1));
  });
try {
  await main();
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
