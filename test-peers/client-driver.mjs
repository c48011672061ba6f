#!/usr/bin/env node
// MCP test driver: a real MCP client (official TypeScript SDK) that the Java tests run against
// the gateway (or, for calibration, directly against server-everything).
//
// Usage: node test-peers/client-driver.mjs <mcpUrl> <toolPrefix> <scenario>
//   scenarios: list | discovery | elicit | url-elicit | sample | roots | progress | cancel | logging | task | concurrent-elicit
//              | modern (a 2026-07-28 upstream: test-peers/modern-server.mjs under <toolPrefix>)
//              | virtual-server (a tool of the subset called, OUTSIDE=<tool name> refused, its prompts listed)
//   env: ELICIT=accept|decline|cancel (default accept)
//        HEADERS={"X-Mcp-Virtualserver":"name"}: headers sent with every request (JSON object)
//        PREFIXES=a_,b_ (concurrent-elicit only; default: <toolPrefix>; "," means two calls with "")
//        DRIVER_TIMEOUT_MS (default 30000)
//
// Prints exactly ONE JSON line to stdout: {"ok":true,...} (exit 0) or {"ok":false,"error":"..."} (exit 1).
// Diagnostics go to stderr.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { finish, isFinished, listAllToolNames, synthesizeContent } from "./driver-common.mjs";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  ElicitRequestSchema,
  CreateMessageRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";

const [, , mcpUrl, toolPrefixArg, scenario] = process.argv;
const toolPrefix = toolPrefixArg ?? "";
const ELICIT = (process.env.ELICIT || "accept").toLowerCase();
const TIMEOUT_MS = Number(process.env.DRIVER_TIMEOUT_MS || 30000);

const log = (...args) => console.error("[client-driver]", ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();

// ---------------------------------------------------------------------------------------------
// single-line output + exit
let phase = "start";

const watchdog = setTimeout(() => {
  log(`watchdog fired after ${TIMEOUT_MS} ms in phase "${phase}"`);
  finish({ ok: false, error: "timeout", phase }, 1);
}, TIMEOUT_MS);

if (!mcpUrl || !scenario) {
  log("usage: node client-driver.mjs <mcpUrl> <toolPrefix> <scenario>");
  finish({ ok: false, error: "usage: client-driver.mjs <mcpUrl> <toolPrefix> <scenario>" }, 1);
}

// ---------------------------------------------------------------------------------------------
// recorded client-side traffic
const rec = {
  elicitations: [], // {seq, requestId, params, response}
  sampling: [], // {requestId, params}
  rootsListCalls: 0,
  logs: [], // {level, logger, data}
  toolListChanged: 0,
};
let elicitSeq = 0;
// optional barrier used by concurrent-elicit: hold answers until N elicitations are outstanding
let elicitBarrier = null; // {expected, waiters: [], timeoutMs}
let elicitInFlight = 0;
let elicitMaxInFlight = 0;

function errInfo(e) {
  if (!e) return { message: String(e) };
  const o = { name: e.name, message: e.message ?? String(e) };
  if (e.code !== undefined) o.code = e.code;
  if (e.data !== undefined) o.data = e.data;
  return o;
}

// ---------------------------------------------------------------------------------------------
// elicitation content synthesis: fill every requested property with a plausible value

// ---------------------------------------------------------------------------------------------
// client + handlers
const client = new Client(
  { name: "camel-mcp-gateway-test-driver", version: "1.0.0" },
  {
    capabilities: {
      elicitation: { form: {}, url: {} },
      sampling: {},
      roots: { listChanged: true },
    },
  },
);
client.onerror = (e) => log("client error:", e?.message ?? e);

client.setRequestHandler(ElicitRequestSchema, async (request, extra) => {
  const seq = ++elicitSeq;
  const params = request.params || {};
  const mode = params.mode ?? "form";
  const entry = { seq, requestId: extra?.requestId, mode, params };
  rec.elicitations.push(entry);
  log(`elicitation #${seq} (mode=${mode}, requestId=${extra?.requestId}): ${params.message}`);
  elicitInFlight++;
  elicitMaxInFlight = Math.max(elicitMaxInFlight, elicitInFlight);
  try {
    if (elicitBarrier) {
      if (elicitSeq >= elicitBarrier.expected) {
        elicitBarrier.waiters.splice(0).forEach((w) => w());
      } else {
        await new Promise((resolve) => {
          elicitBarrier.waiters.push(resolve);
          setTimeout(resolve, elicitBarrier.timeoutMs);
        });
      }
    }
    let response;
    if (ELICIT === "decline") response = { action: "decline" };
    else if (ELICIT === "cancel") response = { action: "cancel" };
    else if (mode === "url") response = { action: "accept" };
    else {
      const ident = `driver-answer-${seq}`;
      response = { action: "accept", content: synthesizeContent(params.requestedSchema, ident) };
    }
    entry.response = response;
    return response;
  } finally {
    elicitInFlight--;
  }
});

client.setRequestHandler(CreateMessageRequestSchema, async (request, extra) => {
  const params = request.params || {};
  rec.sampling.push({ requestId: extra?.requestId, params });
  const msgs = params.messages || [];
  const last = msgs[msgs.length - 1];
  let text = "";
  const c = last?.content;
  if (Array.isArray(c)) text = c.filter((b) => b?.type === "text").map((b) => b.text).join("");
  else if (c?.type === "text") text = c.text;
  log(`sampling request (requestId=${extra?.requestId}): ${text}`);
  return {
    role: "assistant",
    content: { type: "text", text: `sampled: ${text}` },
    model: "test-model",
    stopReason: "endTurn",
  };
});

client.setRequestHandler(ListRootsRequestSchema, async () => {
  rec.rootsListCalls++;
  log(`roots/list #${rec.rootsListCalls}`);
  return { roots: [{ uri: "file:///tmp/driver-root", name: "driver-root" }] };
});

client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
  const p = n.params || {};
  rec.logs.push({ level: p.level, logger: p.logger, data: p.data, atMs: Date.now() - t0 });
  log(`log notification [${p.level}] ${typeof p.data === "string" ? p.data : JSON.stringify(p.data)}`);
});

client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
  rec.toolListChanged++;
  log("notifications/tools/list_changed");
});

client.fallbackNotificationHandler = async (n) => log("other notification:", n.method);

const HEADERS = process.env.HEADERS ? JSON.parse(process.env.HEADERS) : undefined;
const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), HEADERS ? { requestInit: { headers: HEADERS } } : undefined);

// ---------------------------------------------------------------------------------------------
// helpers
const listToolNames = () => listAllToolNames(client);

// List tools; if some tools the scenario needs are missing (e.g. registered after initialize),
// retry for up to waitMs.
async function listToolsWaitingFor(required, waitMs = 3000) {
  const deadline = Date.now() + waitMs;
  let names = await listToolNames();
  while (required.some((r) => !names.includes(r)) && Date.now() < deadline) {
    await sleep(200);
    names = await listToolNames();
  }
  const missing = required.filter((r) => !names.includes(r));
  if (missing.length) log("tools still missing:", missing.join(", "));
  return names;
}

const tool = (name) => toolPrefix + name;
const textOf = (result) =>
  (result?.content || []).filter((c) => c?.type === "text").map((c) => c.text).join("\n");

async function callToolRaw(name, args, options) {
  log(`calling ${name} ${JSON.stringify(args)}`);
  return client.callTool({ name, arguments: args }, undefined, options);
}

// like callToolRaw, but a tool-level error result (isError: true) fails the scenario
async function callTool(name, args, options) {
  const result = await callToolRaw(name, args, options);
  if (result?.isError) {
    const err = new Error(`tool ${name} returned isError: ${textOf(result).slice(0, 300)}`);
    err.extra = { result: { isError: true, content: result.content } };
    throw err;
  }
  return result;
}

function elicitationSummary() {
  return rec.elicitations.map((e) => ({
    seq: e.seq,
    requestId: e.requestId,
    mode: e.mode,
    message: e.params.message,
    elicitationId: e.params.elicitationId,
    url: e.params.url,
    requestedSchema: e.params.requestedSchema,
    response: e.response,
  }));
}

// ---------------------------------------------------------------------------------------------
// scenarios: each returns an object merged into {ok:true, scenario, tools, ...}
const scenarios = {
  async list() {
    return {};
  },

  async sum() {
    const result = await callTool(tool("get-sum"), { a: 2, b: 3 });
    return { text: textOf(result) };
  },

  // a virtual server: the tools listed are its subset (main lists them), one of them answers, one outside is refused
  async "virtual-server"() {
    const inside = await callTool(tool("get-sum"), { a: 2, b: 3 });
    let outside;
    try {
      const r = await callToolRaw(process.env.OUTSIDE, {});
      outside = { errored: false, isError: r.isError ?? false, text: textOf(r) };
    } catch (e) {
      outside = { errored: true, error: errInfo(e) };
    }
    const prompts = (await client.listPrompts()).prompts.map((p) => p.name);
    return { text: textOf(inside), outside, prompts };
  },

  // tool discovery (the gateway's mcp.gateway.tool-discovery.enabled): only the meta-tools are listed; discover
  // QUERY (default "add two numbers sum"), select <toolPrefix>get-sum (else the best hit), wait for
  // notifications/tools/list_changed, list again, call it directly and through call_tool
  async discovery() {
    const listed = await listToolNames();
    const found = await callTool("discover_tools", { query: process.env.QUERY || "add two numbers sum", limit: 5 });
    const discovered = JSON.parse(textOf(found)).tools;
    const pick = discovered.find((t) => t.name === tool("get-sum")) ?? discovered[0];
    const before = rec.toolListChanged;
    const selected = await callTool("select_tools", { tools: [pick.name] });
    const deadline = Date.now() + 5000;
    while (rec.toolListChanged === before && Date.now() < deadline) await sleep(50);
    const listChanged = rec.toolListChanged - before;
    const afterSelect = (await client.listTools()).tools;
    const direct = await callTool(pick.name, { a: 20, b: 22 });
    const viaCallTool = await callTool("call_tool", { name: pick.name, arguments: { a: 2, b: 3 } });
    return {
      listed,
      discovered,
      selected: JSON.parse(textOf(selected)),
      listChanged,
      afterSelect: afterSelect.map((t) => t.name),
      selectedSchema: afterSelect.find((t) => t.name === pick.name)?.inputSchema ?? null,
      direct: textOf(direct),
      viaCallTool: textOf(viaCallTool),
    };
  },

  async elicit() {
    const result = await callTool(tool("trigger-elicitation-request"), {}, { timeout: TIMEOUT_MS });
    return { result: { isError: result.isError ?? false, content: result.content, text: textOf(result) }, elicitations: elicitationSummary() };
  },

  async "url-elicit"() {
    const out = {};
    const args = {
      url: "https://example.com/driver-auth",
      message: "Driver URL elicitation",
      elicitationId: "driver-elicitation-1",
    };
    const result = await callTool(tool("trigger-url-elicitation"), args, { timeout: TIMEOUT_MS });
    out.result = { isError: result.isError ?? false, content: result.content, text: textOf(result) };
    out.requestPathElicitations = elicitationSummary();

    // error path: expect a -32042 (URL elicitation required) JSON-RPC error
    const errArgs = {
      url: "https://example.com/driver-auth-errorpath",
      message: "Driver URL elicitation (error path)",
      elicitationId: "driver-elicitation-2",
      errorPath: true,
    };
    const before = rec.elicitations.length;
    try {
      const r = await callToolRaw(tool("trigger-url-elicitation"), errArgs, { timeout: TIMEOUT_MS });
      out.errorPath = { errored: false, result: { isError: r.isError ?? false, content: r.content, text: textOf(r) } };
    } catch (e) {
      out.errorPath = { errored: true, error: errInfo(e), is32042: e?.code === -32042 };
    }
    // retry with the same arguments: server-everything then proceeds via the request path
    try {
      const r = await callToolRaw(tool("trigger-url-elicitation"), errArgs, { timeout: TIMEOUT_MS });
      out.errorPathRetry = { errored: false, result: { isError: r.isError ?? false, text: textOf(r) } };
    } catch (e) {
      out.errorPathRetry = { errored: true, error: errInfo(e) };
    }
    out.errorPathElicitations = elicitationSummary().slice(before);
    out.elicitations = elicitationSummary();
    return out;
  },

  async sample() {
    const result = await callTool(tool("trigger-sampling-request"), { prompt: "hello", maxTokens: 20 }, { timeout: TIMEOUT_MS });
    return {
      result: { isError: result.isError ?? false, content: result.content, text: textOf(result) },
      samplingRequests: rec.sampling,
    };
  },

  async roots() {
    const deadline = Date.now() + 5000;
    while (rec.rootsListCalls < 1 && Date.now() < deadline) await sleep(100);
    const rootsCallsBeforeTool = rec.rootsListCalls;
    const result = await callTool(tool("get-roots-list"), {}, { timeout: TIMEOUT_MS });
    return {
      rootsListCallsBeforeTool: rootsCallsBeforeTool,
      rootsListCalls: rec.rootsListCalls,
      result: { isError: result.isError ?? false, content: result.content, text: textOf(result) },
    };
  },

  async progress() {
    const progress = [];
    const started = Date.now();
    const result = await callTool(tool("trigger-long-running-operation"), { duration: 2, steps: 4 }, {
      onprogress: (p) => {
        progress.push({ progress: p.progress, total: p.total, message: p.message, atMs: Date.now() - started });
        log(`progress ${p.progress}/${p.total}`);
      },
      resetTimeoutOnProgress: true,
      timeout: TIMEOUT_MS,
    });
    return {
      progress,
      elapsedMs: Date.now() - started,
      result: { isError: result.isError ?? false, content: result.content, text: textOf(result) },
    };
  },

  async cancel() {
    const ac = new AbortController();
    const progress = [];
    const started = Date.now();
    let error = null;
    let result = null;
    try {
      result = await callTool(tool("trigger-long-running-operation"), { duration: 10, steps: 10 }, {
        signal: ac.signal,
        timeout: TIMEOUT_MS,
        onprogress: (p) => {
          progress.push({ progress: p.progress, total: p.total, atMs: Date.now() - started });
          log(`progress ${p.progress}/${p.total}`);
          if (progress.length === 2) {
            log("aborting call");
            ac.abort("driver cancelled after 2 progress notifications");
          }
        },
      });
    } catch (e) {
      error = errInfo(e);
    }
    const elapsedMs = Date.now() - started;
    // give late progress notifications (which should not be delivered any more) a moment
    await sleep(1500);
    // the session must still be usable after the cancellation
    let pingAfterCancel;
    try {
      await client.ping({ timeout: 5000 });
      pingAfterCancel = "ok";
    } catch (e) {
      pingAfterCancel = errInfo(e);
    }
    return {
      progressCount: progress.length,
      progress,
      rejected: error !== null,
      error,
      result: result ? { text: textOf(result) } : null,
      elapsedMs,
      pingAfterCancel,
    };
  },

  async logging() {
    await client.setLoggingLevel("debug");
    const logsBefore = rec.logs.length;
    const on = await callTool(tool("toggle-simulated-logging"), {}, { timeout: TIMEOUT_MS });
    await sleep(6000);
    const off = await callTool(tool("toggle-simulated-logging"), {}, { timeout: TIMEOUT_MS });
    await sleep(300);
    return {
      toggleOn: textOf(on),
      toggleOff: textOf(off),
      logsDuringSimulation: rec.logs.slice(logsBefore),
      logs: rec.logs,
    };
  },

  async task() {
    const name = tool("simulate-research-query");
    log(`calling ${name} as task`);
    const events = [];
    let taskId;
    let finalResult = null;
    let streamError = null;
    const stream = client.experimental.tasks.callToolStream(
      { name, arguments: { topic: "gateways" } },
      undefined,
      { task: { ttl: 60000 }, timeout: TIMEOUT_MS },
    );
    for await (const msg of stream) {
      const ev = { type: msg.type };
      if (msg.task) {
        ev.taskId = msg.task.taskId;
        ev.status = msg.task.status;
        if (msg.task.statusMessage) ev.statusMessage = msg.task.statusMessage;
        taskId = taskId ?? msg.task.taskId;
      }
      if (msg.type === "result") finalResult = msg.result;
      if (msg.type === "error") {
        streamError = errInfo(msg.error);
        ev.error = streamError;
      }
      log("task stream event:", JSON.stringify(ev));
      events.push(ev);
    }
    let tasksListCount = null;
    let tasksList = null;
    try {
      const lt = await client.experimental.tasks.listTasks();
      tasksListCount = lt.tasks?.length ?? 0;
      tasksList = (lt.tasks || []).map((t) => ({ taskId: t.taskId, status: t.status }));
    } catch (e) {
      tasksList = { error: errInfo(e) };
    }
    if (!streamError && finalResult?.isError) {
      streamError = { message: `tool ${name} returned isError: ${textOf(finalResult).slice(0, 300)}` };
    }
    if (streamError) {
      const err = new Error(`task stream error: ${streamError.message}`);
      err.extra = { events, taskId, tasksListCount, tasksList };
      throw err;
    }
    const text = textOf(finalResult);
    return {
      taskId,
      events,
      eventTypes: events.map((e) => e.type),
      statuses: events.filter((e) => e.status).map((e) => e.status),
      resultText: text.slice(0, 80),
      resultIsError: finalResult?.isError ?? false,
      tasksListCount,
      tasksList,
    };
  },

  // a 2026-07-28 upstream (test-peers/modern-server.mjs) behind the gateway, its tools under <toolPrefix>, seen by
  // this 2025-11-25 client: plain calls, MRTR elicitation and sampling answered by the handlers above, progress,
  // a resource, a prompt, and the two MRTR failures (too many rounds, a refused requestState)
  async modern() {
    const out = {};
    out.add = textOf(await callTool(tool("add"), { a: 2, b: 3 }));
    const timings = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await callTool(tool("add"), { a: i, b: 1 });
      timings.push(performance.now() - t);
    }
    timings.sort((x, y) => x - y);
    out.addMs = { median: timings[10], min: timings[0], max: timings[19] };
    const ask = await callTool(tool("ask"), { question: "Favourite colour?" }, { timeout: TIMEOUT_MS });
    out.ask = { text: textOf(ask), raw: ask };
    out.elicitations = elicitationSummary();
    out.sample = textOf(await callTool(tool("sample"), { prompt: "hi" }, { timeout: TIMEOUT_MS }));
    out.samplingRequests = rec.sampling.length;
    const progress = [];
    const slow = await callTool(tool("slow"), { n: 3 }, {
      onprogress: (p) => progress.push({ progress: p.progress, total: p.total, message: p.message }),
      timeout: TIMEOUT_MS,
    });
    out.slow = { text: textOf(slow), progress };
    const resources = await client.listResources();
    const greeting = resources.resources.find((r) => r.uri.includes("greeting"));
    out.resourceUri = greeting?.uri ?? null;
    if (greeting) {
      const read = await client.readResource({ uri: greeting.uri });
      out.resource = read;
    }
    const prompts = await client.listPrompts();
    out.prompts = prompts.prompts.map((p) => p.name);
    const greet = prompts.prompts.find((p) => p.name.endsWith("greet"));
    if (greet) out.prompt = await client.getPrompt({ name: greet.name, arguments: { name: "Ada" } });
    try {
      await client.setLoggingLevel("info");
    } catch (e) {
      out.setLevelError = errInfo(e);
    }
    out.meta = JSON.parse(textOf(await callTool(tool("echo-meta"), {}, { onprogress: () => {} })));
    for (const name of ["loop", "stale"]) {
      try {
        const r = await callToolRaw(tool(name), {}, { timeout: TIMEOUT_MS });
        out[name] = { errored: false, result: r };
      } catch (e) {
        out[name] = { errored: true, error: errInfo(e) };
      }
    }
    return out;
  },

  // a 2026-07-28 upstream's call cancelled by this 2025 client: the gateway closes the upstream's answer
  async "modern-cancel"() {
    const ac = new AbortController();
    const progress = [];
    let error = null;
    const before = Number(textOf(await callTool(tool("aborted"), {})));
    try {
      await callTool(tool("slow"), { n: 20, delay: 200 }, {
        signal: ac.signal,
        timeout: TIMEOUT_MS,
        onprogress: (p) => {
          progress.push(p.progress);
          if (progress.length === 2) ac.abort("driver cancelled after 2 progress notifications");
        },
      });
    } catch (e) {
      error = errInfo(e);
    }
    await sleep(1000);
    const after = Number(textOf(await callTool(tool("aborted"), {})));
    return { progress, error, abortedUpstream: after - before };
  },

  async "concurrent-elicit"() {
    const prefixes = (process.env.PREFIXES ?? toolPrefix).split(",").map((s) => s.trim());
    // hold the answers until all elicitations are outstanding (max 3 s) to prove real concurrency
    elicitBarrier = { expected: prefixes.length, waiters: [], timeoutMs: 3000 };
    const started = Date.now();
    const results = await Promise.all(
      prefixes.map(async (p) => {
        const name = p + "trigger-elicitation-request";
        try {
          const r = await callTool(name, {}, { timeout: TIMEOUT_MS });
          const text = textOf(r);
          const m = /- Name: (\S+)/.exec(text);
          return { prefix: p, tool: name, isError: r.isError ?? false, answeredName: m ? m[1] : null, text };
        } catch (e) {
          return { prefix: p, tool: name, error: errInfo(e) };
        }
      }),
    );
    const failed = results.filter((r) => r.error);
    const out = {
      prefixes,
      results,
      elicitations: rec.elicitations.map((e) => ({
        seq: e.seq,
        requestId: e.requestId,
        message: e.params.message,
        answeredName: e.response?.content?.name,
        action: e.response?.action,
      })),
      maxConcurrentElicitations: elicitMaxInFlight,
      elapsedMs: Date.now() - started,
    };
    if (failed.length) {
      const err = new Error(`${failed.length} call(s) failed: ${failed.map((f) => `${f.tool}: ${f.error.message}`).join("; ")}`);
      err.extra = out;
      throw err;
    }
    return out;
  },
};

// tools each scenario needs (used to wait for late-registered tools)
const requiredTools = {
  list: [],
  elicit: ["trigger-elicitation-request"],
  "url-elicit": ["trigger-url-elicitation"],
  sample: ["trigger-sampling-request"],
  roots: ["get-roots-list"],
  progress: ["trigger-long-running-operation"],
  cancel: ["trigger-long-running-operation"],
  logging: ["toggle-simulated-logging"],
  task: ["simulate-research-query"],
  "concurrent-elicit": [],
  modern: ["add", "ask", "slow"],
  "modern-cancel": ["slow", "aborted"],
};

// ---------------------------------------------------------------------------------------------
async function shutdown() {
  phase = "shutdown";
  try {
    await Promise.race([transport.terminateSession(), sleep(3000).then(() => { throw new Error("terminateSession timed out"); })]);
  } catch (e) {
    log("terminateSession failed:", e?.message ?? e);
  }
  try {
    await Promise.race([client.close(), sleep(2000)]);
  } catch (e) {
    log("close failed:", e?.message ?? e);
  }
}

async function main() {
  if (isFinished()) return;
  const fn = scenarios[scenario];
  if (!fn) {
    finish({ ok: false, error: `unknown scenario: ${scenario}`, scenarios: Object.keys(scenarios) }, 1);
    return;
  }
  let tools;
  let connected = false;
  try {
    phase = "connect";
    await client.connect(transport);
    connected = true;
    log(`connected to ${mcpUrl}, session ${transport.sessionId}, server ${JSON.stringify(client.getServerVersion())}`);
    phase = "listTools";
    let needed = (requiredTools[scenario] || []).map(tool);
    if (scenario === "concurrent-elicit") {
      needed = (process.env.PREFIXES ?? toolPrefix).split(",").map((p) => p.trim() + "trigger-elicitation-request");
    }
    tools = await listToolsWaitingFor(needed);
    phase = scenario;
    const res = await fn();
    const sessionId = transport.sessionId ?? null;
    await shutdown();
    clearTimeout(watchdog);
    finish({ ok: true, scenario, sessionId, tools, ...res }, 0);
  } catch (e) {
    const failedPhase = phase;
    log(`scenario ${scenario} failed in phase ${failedPhase}:`, e?.stack ?? e);
    if (connected) await shutdown();
    clearTimeout(watchdog);
    const out = { ok: false, error: e?.message ?? String(e), scenario, phase: failedPhase };
    if (e?.code !== undefined) out.code = e.code;
    if (e?.data !== undefined) out.data = e.data;
    if (tools) out.tools = tools;
    if (e?.extra) Object.assign(out, e.extra);
    finish(out, 1);
  }
}

main();
