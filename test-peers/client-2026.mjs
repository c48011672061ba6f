#!/usr/bin/env node
// MCP test driver for the 2026-07-28 revision: the official TypeScript SDK v2 client (@modelcontextprotocol/client,
// pinned to 2026-07-28: no initialize, no session, server/discover first) playing one conversation against an MCP
// endpoint, as a Java test asks.
//
// Usage: node test-peers/client-2026.mjs <mcpUrl> <toolPrefix>
//   Plays, in order: connect (server/discover), tools/list, <prefix>get-sum {a:2,b:40},
//   <prefix>trigger-long-running-operation {duration:1,steps:3} with progress, <prefix>trigger-elicitation-request
//   with an elicitation handler (MRTR: the client answers the InputRequiredResult and retries by itself), and a
//   subscriptions/listen for tools list changes (opened and closed). env SKIP=elicit,listen leaves steps out.
//   env DRIVER_TIMEOUT_MS (default 30000)
//
// Prints exactly ONE JSON line to stdout: {"ok":true,...,"wire":[{dir,message}...]} (exit 0) or
// {"ok":false,"error":"...","wire":[...]} (exit 1): "wire" is every JSON-RPC message sent and received, for the
// schema check. Diagnostics go to stderr.

import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { finish, recordingFetch, synthesizeContent } from "./driver-common.mjs";

const [, , mcpUrl, prefixArg] = process.argv;
const prefix = prefixArg ?? "";
const SKIP = new Set((process.env.SKIP || "").split(",").filter(Boolean));
const TIMEOUT_MS = Number(process.env.DRIVER_TIMEOUT_MS || 30000);
const log = (...a) => console.error("[client-2026]", ...a);

const wire = [];
let phase = "start";
setTimeout(() => finish({ ok: false, error: "timeout", phase, wire }, 1), TIMEOUT_MS).unref();

const client = new Client(
  { name: "camel-mcp-gateway-tests-2026", version: "1.0.0" },
  {
    capabilities: { elicitation: { form: {} } },
    versionNegotiation: { mode: { pin: "2026-07-28" } },
    inputRequired: { autoFulfill: true, maxRounds: 5 },
  },
);
const elicitations = [];
client.setRequestHandler("elicitation/create", async (request) => {
  elicitations.push(request.params);
  return { action: "accept", content: synthesizeContent(request.params.requestedSchema, "v2-answer") };
});
let toolsChanged = 0;
client.setNotificationHandler("notifications/tools/list_changed", () => toolsChanged++);

const text = (result) => (result.content || []).map((c) => c.text ?? "").join("\n");

try {
  phase = "connect";
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { fetch: recordingFetch(wire) }));
  const out = {
    ok: true,
    era: client.getProtocolEra(),
    protocolVersion: client.getNegotiatedProtocolVersion(),
    server: client.getServerVersion()?.name,
    supportedVersions: client.getDiscoverResult()?.supportedVersions,
  };

  phase = "list";
  const tools = await client.listTools(undefined, { cacheMode: "bypass" });
  out.tools = tools.tools.map((t) => t.name);

  phase = "sum";
  out.sum = text(await client.callTool({ name: `${prefix}get-sum`, arguments: { a: 2, b: 40 } }));

  phase = "progress";
  const progress = [];
  const long = await client.callTool(
    { name: `${prefix}trigger-long-running-operation`, arguments: { duration: 1, steps: 3 } },
    { onprogress: (p) => progress.push(p), resetTimeoutOnProgress: true },
  );
  out.progress = { count: progress.length, last: progress.at(-1), text: text(long) };

  if (!SKIP.has("elicit")) {
    phase = "elicit";
    const r = await client.callTool({ name: `${prefix}trigger-elicitation-request`, arguments: {} });
    out.elicit = { asked: elicitations.length, text: text(r) };
  }

  if (!SKIP.has("listen")) {
    phase = "listen";
    const sub = await client.listen({ toolsListChanged: true });
    out.listen = { honored: sub.honoredFilter };
    await sub.close();
  }
  await client.close();
  finish({ ...out, wire }, 0);
} catch (e) {
  log(phase, e);
  finish({ ok: false, phase, error: String(e?.message ?? e), code: e?.code, wire }, 1);
}
