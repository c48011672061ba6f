#!/usr/bin/env node
// MCP test driver for two gateway replicas behind no load balancer: the official TypeScript SDK client, whose
// transport's fetch is wrapped so that each HTTP request goes to replica A or B, deterministically:
//   - initialize                                    -> A
//   - a POST that is a JSON-RPC response (the client's answer to elicitation/sampling/roots)
//                                                   -> the replica OTHER than the one of the latest tools/call
//                                                      (the call that is pending while the client answers)
//   - notifications/cancelled                       -> the replica OTHER than the one of the cancelled request
//   - DELETE (terminateSession)                     -> the replica other than initialize's: B
//   - GET (the SDK's standalone SSE stream, reopened whenever it ends)
//                                                   -> alternate among GETs, starting with A
//   - every other POST                              -> alternate among those POSTs, starting with B
// GETs alternate on their own so that when the SDK reopens its GET stream does not shift where the POSTs go.
//
// Usage: node test-peers/replicas-driver.mjs <mcpUrlA> <mcpUrlB> <scenario>
//   scenarios:
//     session  list tools, tools/call (echo), progress, an elicitation answered through the other replica,
//              a cancellation sent to the other replica, DELETE on the other replica, then a ping with the
//              ended session to each replica (both must answer 404)
//     elicit   list tools, one elicitation answered through the other replica, DELETE
//   env: ECHO_TOOL      (default a_echo)
//        PROGRESS_TOOL  (default b_trigger-long-running-operation; called with {duration: 2, steps: 4})
//        ELICIT_TOOL    (default a_trigger-elicitation-request)
//        CANCEL_TOOL    (default a_trigger-long-running-operation), CANCEL_ARGS (JSON, default {"duration":10,"steps":10});
//                       the call is aborted after its 2nd progress notification
//        DRIVER_TIMEOUT_MS (default 45000)
//
// Prints exactly ONE JSON line to stdout: {"ok":true, scenario, sessionId, steps, log, ...} (exit 0) or
// {"ok":false, "error", phase, log, ...} (exit 1). "log" has one entry per HTTP request:
//   {n, replica: "A"|"B", http: "POST"|"GET"|"DELETE", kind: "request"|"notification"|"response"|null,
//    method, id, rule, relatedId, status, contentType, error}
// Diagnostics go to stderr.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { finish, isFinished, listAllToolNames, synthesizeContent } from "./driver-common.mjs";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [, , urlA, urlB, scenario] = process.argv;
const TIMEOUT_MS = Number(process.env.DRIVER_TIMEOUT_MS || 45000);
const ECHO_TOOL = process.env.ECHO_TOOL || "a_echo";
const PROGRESS_TOOL = process.env.PROGRESS_TOOL || "b_trigger-long-running-operation";
const ELICIT_TOOL = process.env.ELICIT_TOOL || "a_trigger-elicitation-request";
const CANCEL_TOOL = process.env.CANCEL_TOOL || "a_trigger-long-running-operation";
const CANCEL_ARGS = JSON.parse(process.env.CANCEL_ARGS || '{"duration":10,"steps":10}');

const log = (...args) => console.error("[replicas-driver]", ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// single-line output + exit
let phase = "start";

const watchdog = setTimeout(() => {
  log(`watchdog fired after ${TIMEOUT_MS} ms in phase "${phase}"`);
  finish({ ok: false, error: "timeout", phase, log: requests }, 1);
}, TIMEOUT_MS);

if (!urlA || !urlB || !scenario) {
  finish({ ok: false, error: "usage: replicas-driver.mjs <mcpUrlA> <mcpUrlB> <scenario>" }, 1);
}

// ---------------------------------------------------------------------------------------------
// the routing fetch
const replicaUrl = { A: urlA, B: urlB };
const other = (r) => (r === "A" ? "B" : "A");
const INIT_REPLICA = "A";
let nextPost = "B";
let nextGet = "A";
const replicaOfId = new Map(); // JSON-RPC id of a request the client sent -> replica
let lastCall = null; // {id, replica} of the latest tools/call
const requests = []; // the log

function kindOf(msg) {
  if (!msg || typeof msg !== "object") return null;
  if (msg.method !== undefined) return msg.id !== undefined ? "request" : "notification";
  if (msg.result !== undefined || msg.error !== undefined) return "response";
  return null;
}

function route(httpMethod, msg) {
  if (httpMethod === "DELETE") return { replica: other(INIT_REPLICA), rule: "delete-other-than-initialize" };
  if (httpMethod === "GET") {
    const r = nextGet;
    nextGet = other(nextGet);
    return { replica: r, rule: "get-alternate" };
  }
  const kind = kindOf(msg);
  if (msg?.method === "initialize") return { replica: INIT_REPLICA, rule: "initialize" };
  if (kind === "response" && lastCall) {
    return { replica: other(lastCall.replica), rule: "answer-other-than-call", relatedId: lastCall.id };
  }
  if (msg?.method === "notifications/cancelled") {
    const rid = msg.params?.requestId;
    const r = replicaOfId.get(String(rid));
    if (r) return { replica: other(r), rule: "cancel-other-than-call", relatedId: rid };
  }
  const r = nextPost;
  nextPost = other(nextPost);
  return { replica: r, rule: "alternate" };
}

async function routingFetch(url, init = {}) {
  const httpMethod = (init.method || "GET").toUpperCase();
  let msg = null;
  if (typeof init.body === "string" && init.body.length) {
    try {
      msg = JSON.parse(init.body);
    } catch {
      msg = null;
    }
  }
  const first = Array.isArray(msg) ? msg[0] : msg;
  const { replica, rule, relatedId } = route(httpMethod, first);
  const entry = {
    n: requests.length + 1,
    replica,
    http: httpMethod,
    kind: kindOf(first),
    method: first?.method ?? (kindOf(first) === "response" ? "response" : null),
    id: first?.id ?? null,
    rule,
  };
  if (relatedId !== undefined) entry.relatedId = relatedId;
  requests.push(entry);
  if (entry.kind === "request") {
    replicaOfId.set(String(first.id), replica);
    if (first.method === "tools/call") {
      entry.tool = first.params?.name;
      lastCall = { id: first.id, replica, tool: entry.tool };
    }
  }
  const target = new URL(replicaUrl[replica]);
  const u = new URL(typeof url === "string" ? url : url.href);
  target.search = u.search;
  log(`#${entry.n} ${httpMethod} ${entry.method ?? ""} id=${entry.id ?? ""} -> ${replica} (${rule})`);
  try {
    const res = await fetch(target, init);
    entry.status = res.status;
    entry.contentType = res.headers.get("content-type");
    return res;
  } catch (e) {
    entry.error = e?.message ?? String(e);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// elicitation: every requested property filled with a plausible value (driver-common.mjs)
const elicitations = [];

const client = new Client(
  { name: "camel-mcp-gateway-replicas-driver", version: "1.0.0" },
  { capabilities: { elicitation: { form: {} } } },
);
const lateProgress = []; // progress the SDK received for a request it no longer waits for (e.g. after a cancel)
client.onerror = (e) => {
  const m = e?.message ?? String(e);
  if (m.includes("progress notification for an unknown token")) lateProgress.push(m);
  log("client error:", m);
};
client.setRequestHandler(ElicitRequestSchema, async (request, extra) => {
  const params = request.params || {};
  const ident = `driver-answer-${elicitations.length + 1}`;
  const content = synthesizeContent(params.requestedSchema, ident);
  const response = { action: "accept", content };
  elicitations.push({ requestId: extra?.requestId, message: params.message, response, duringCall: lastCall });
  log(`elicitation (requestId=${extra?.requestId}) answered`);
  return response;
});
client.fallbackNotificationHandler = async (n) => log("other notification:", n.method);

const transport = new StreamableHTTPClientTransport(new URL(urlA), { fetch: routingFetch });

// ---------------------------------------------------------------------------------------------
const textOf = (result) => (result?.content || []).filter((c) => c?.type === "text").map((c) => c.text).join("\n");
const callEntry = (call) => requests.find((r) => r.kind === "request" && r.method === "tools/call" && r.id === call.id);

const listToolNames = () => listAllToolNames(client);

async function callTool(name, args, options = {}) {
  log(`calling ${name} ${JSON.stringify(args)}`);
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout: TIMEOUT_MS, ...options });
  if (result?.isError) throw new Error(`tool ${name} returned isError: ${textOf(result).slice(0, 300)}`);
  return { result, call: lastCall };
}

async function echoStep() {
  const { result, call } = await callTool(ECHO_TOOL, { message: "hello replicas" });
  return { text: textOf(result), call: callEntry(call) };
}

async function progressStep() {
  const progress = [];
  const { result, call } = await callTool(PROGRESS_TOOL, { duration: 2, steps: 4 }, {
    onprogress: (p) => progress.push({ progress: p.progress, total: p.total }),
    resetTimeoutOnProgress: true,
  });
  return { progress, text: textOf(result), call: callEntry(call) };
}

async function elicitStep() {
  const before = requests.length;
  const { result, call } = await callTool(ELICIT_TOOL, {});
  const answers = requests.slice(before).filter((r) => r.kind === "response");
  return { text: textOf(result), call: callEntry(call), answers, elicitations: elicitations.slice() };
}

async function cancelStep() {
  const ac = new AbortController();
  const progress = [];
  const started = Date.now();
  let error = null;
  let call = null;
  try {
    const p = client.callTool({ name: CANCEL_TOOL, arguments: CANCEL_ARGS }, undefined, {
      signal: ac.signal,
      timeout: TIMEOUT_MS,
      onprogress: (pr) => {
        progress.push({ progress: pr.progress, total: pr.total, atMs: Date.now() - started });
        if (progress.length === 2) {
          log("aborting call");
          ac.abort("driver cancelled after 2 progress notifications");
        }
      },
    });
    await p;
  } catch (e) {
    error = { name: e?.name, message: e?.message ?? String(e), code: e?.code };
  }
  call = lastCall; // the only call since the step began
  const elapsedMs = Date.now() - started;
  await sleep(1500); // late progress notifications must not be delivered
  const cancels = requests.filter((r) => r.method === "notifications/cancelled");
  let pingAfterCancel;
  try {
    await client.ping({ timeout: 5000 });
    pingAfterCancel = "ok";
  } catch (e) {
    pingAfterCancel = e?.message ?? String(e);
  }
  return {
    rejected: error !== null,
    error,
    progressCount: progress.length,
    progress,
    elapsedMs,
    call: call ? callEntry(call) : null,
    cancels,
    lateProgressCount: lateProgress.length,
    pingAfterCancel,
  };
}

async function deleteStep() {
  const sessionId = transport.sessionId;
  const before = requests.length;
  await Promise.race([transport.terminateSession(), sleep(5000).then(() => { throw new Error("terminateSession timed out"); })]);
  const del = requests.slice(before).find((r) => r.http === "DELETE") ?? null;
  // the ended session, at each replica (plain fetch: not through the SDK, not in the log)
  const afterDelete = {};
  for (const r of ["A", "B"]) {
    try {
      const res = await fetch(replicaUrl[r], {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          "Mcp-Session-Id": sessionId,
          "MCP-Protocol-Version": transport.protocolVersion ?? "2025-11-25",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: "after-delete-" + r, method: "ping" }),
      });
      afterDelete[r] = { status: res.status, body: (await res.text()).slice(0, 300) };
    } catch (e) {
      afterDelete[r] = { error: e?.message ?? String(e) };
    }
  }
  return { delete: del, afterDelete };
}

const scenarios = {
  async session() {
    const steps = {};
    phase = "echo";
    steps.echo = await echoStep();
    phase = "progress";
    steps.progress = await progressStep();
    phase = "elicit";
    steps.elicit = await elicitStep();
    phase = "cancel";
    steps.cancel = await cancelStep();
    phase = "delete";
    steps.delete = await deleteStep();
    return { steps };
  },
  async elicit() {
    const steps = {};
    phase = "elicit";
    steps.elicit = await elicitStep();
    phase = "delete";
    steps.delete = await deleteStep();
    return { steps };
  },
};

async function main() {
  if (isFinished()) return;
  const fn = scenarios[scenario];
  if (!fn) {
    finish({ ok: false, error: `unknown scenario: ${scenario}`, scenarios: Object.keys(scenarios) }, 1);
    return;
  }
  let sessionId = null;
  let tools;
  try {
    phase = "connect";
    await client.connect(transport);
    sessionId = transport.sessionId ?? null;
    log(`connected, session ${sessionId}`);
    phase = "listTools";
    tools = await listToolNames();
    const res = await fn();
    clearTimeout(watchdog);
    finish({ ok: true, scenario, sessionId, tools, ...res, elicitations, log: requests }, 0);
  } catch (e) {
    log(`scenario ${scenario} failed in phase ${phase}:`, e?.stack ?? e);
    clearTimeout(watchdog);
    const out = { ok: false, error: e?.message ?? String(e), scenario, phase, sessionId, log: requests };
    if (e?.code !== undefined) out.code = e.code;
    if (tools) out.tools = tools;
    try {
      await Promise.race([client.close(), sleep(2000)]);
    } catch {
      // ignore
    }
    finish(out, 1);
  }
}

main();
