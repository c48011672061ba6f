// The server the 2026-07-28 conformance scenarios (@modelcontextprotocol/conformance 0.2.0-alpha.12,
// `server --requirements 2026-07-28`) run against: the official TypeScript SDK v2 (@modelcontextprotocol/server),
// served statelessly by createMcpHandler (modern era only, legacy: 'reject'), with what each scenario's
// "Server Implementation Requirements" ask for: the test_* tools, test://* resources and test_* prompts, the
// multi-round-trip (InputRequiredResult) tools with an HMAC-protected requestState, caching hints on every
// list and read, the subscriptions/listen triggers (test_trigger_tool_change / test_trigger_prompt_change add a
// tool / prompt and announce it), Host/Origin validation (DNS rebinding), and the tasks extension's fixtures
// (tasks-fixtures.mjs: the SDK declares the extension but has no task surface of its own).
//
// Usage: node conformance-server-2026.mjs <port>   (or env PORT); endpoint http://127.0.0.1:<port>/mcp
// Prints `conformance-server-2026 listening on port <port>` once listening.

import http from "node:http";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import * as z from "zod/v4";
import {
  McpServer,
  ResourceTemplate,
  completable,
  createMcpHandler,
  createRequestStateCodec,
  hostHeaderValidationResponse,
  inputRequired,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  originValidationResponse,
} from "@modelcontextprotocol/server";
import * as taskSurface from "./tasks-fixtures.mjs";

const PORT = Number(process.argv[2] ?? process.env.PORT);
if (!Number.isInteger(PORT) || PORT <= 0) {
  console.error("conformance-server-2026: a port is required (argument or env PORT)");
  process.exit(2);
}

// 1x1 PNG and a header-only WAV: the smallest valid media for the image and audio scenarios
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=";

const text = (t) => ({ content: [{ type: "text", text: t }] });
const codec = createRequestStateCodec({ key: randomBytes(32), ttlSeconds: 600 });
const hint = { ttlMs: 60000, cacheScope: "public" };
// the server is built per request: the tools and prompts the triggers added are its only state
let addedTools = 0;
let addedPrompts = 0;

// input requests, written out on the wire shape the scenarios expect
const elicit = (message, property, type = "string") => ({
  method: "elicitation/create",
  params: { message, requestedSchema: { type: "object", properties: { [property]: { type } }, required: [property] } },
});
const sample = (prompt, maxTokens) => ({
  method: "sampling/createMessage",
  params: { messages: [{ role: "user", content: { type: "text", text: prompt } }], maxTokens },
});
const listRoots = () => ({ method: "roots/list", params: {} });

/** An accepted elicitation's content, when the response under `key` is one (else undefined). */
function accepted(ctx, key) {
  const r = ctx.mcpReq.inputResponses?.[key];
  return r && typeof r === "object" && r.action === "accept" && r.content && typeof r.content === "object" ? r.content : undefined;
}
function response(ctx, key) {
  const r = ctx.mcpReq.inputResponses?.[key];
  return r && typeof r === "object" && !Array.isArray(r) ? r : undefined;
}
function sampledText(r) {
  const c = r?.content;
  return Array.isArray(c) ? c.map((x) => x?.text ?? "").join("") : (c?.text ?? "");
}
/** The client's capabilities for this request, from the per-request _meta envelope. */
function clientCapabilities(ctx) {
  const env = ctx.mcpReq.envelope ?? {};
  return env.clientCapabilities ?? env["io.modelcontextprotocol/clientCapabilities"] ?? {};
}
async function readState(ctx) {
  return ctx.mcpReq.requestState() ?? undefined;
}

function serverFor() {
  const server = new McpServer(
    { name: "camel-mcp-gateway-conformance-2026", version: "1.0.0" },
    {
      capabilities: {
        tools: { listChanged: true },
        prompts: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        logging: {},
        completions: {},
        extensions: { [taskSurface.TASKS]: {} },
      },
      cacheHints: {
        "tools/list": hint,
        "prompts/list": hint,
        "resources/list": hint,
        "resources/templates/list": hint,
      },
      requestState: { verify: codec.verify },
    },
  );

  // ---- the tasks extension's tools (their task path is tasks-fixtures.mjs', in front of this server)
  taskSurface.registerSyncTools(server, z);

  // ---- content tools
  server.registerTool("test_simple_text", { description: "Returns a simple text response" }, async () =>
    text("This is a simple text response for testing."),
  );
  server.registerTool("test_image_content", { description: "Returns a 1x1 PNG image" }, async () => ({
    content: [{ type: "image", data: PNG, mimeType: "image/png" }],
  }));
  server.registerTool("test_audio_content", { description: "Returns a tiny WAV clip" }, async () => ({
    content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }],
  }));
  server.registerTool("test_embedded_resource", { description: "Returns an embedded text resource" }, async () => ({
    content: [
      { type: "resource", resource: { uri: "test://embedded-resource", mimeType: "text/plain", text: "This is an embedded resource content." } },
    ],
  }));
  server.registerTool("test_multiple_content_types", { description: "Returns text, image and an embedded resource" }, async () => ({
    content: [
      { type: "text", text: "Multiple content types test:" },
      { type: "image", data: PNG, mimeType: "image/png" },
      {
        type: "resource",
        resource: { uri: "test://mixed-content-resource", mimeType: "application/json", text: JSON.stringify({ test: "data", value: 123 }) },
      },
    ],
  }));
  server.registerTool("test_error_handling", { description: "Always fails (isError result)" }, async () => {
    throw new Error("This tool intentionally returns an error for testing");
  });
  server.registerTool("test_tool_with_progress", { description: "Reports progress 0, 50, 100" }, async (ctx) => {
    const token = ctx.mcpReq._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (token !== undefined) {
        await ctx.mcpReq.notify({
          method: "notifications/progress",
          params: { progressToken: token, progress, total: 100, message: `Completed step ${progress} of 100` },
        });
      }
      if (progress < 100) await new Promise((r) => setTimeout(r, 50));
    }
    return text(`progress reported to ${token ?? "nobody"}`);
  });
  server.registerTool("test_logging_tool", { description: "Logs three messages (only at the client's _meta logLevel)" }, async (ctx) => {
    for (const m of ["Tool execution started", "Tool processing data", "Tool execution completed"]) {
      await ctx.mcpReq.log("info", m, "test_logging_tool");
    }
    return text("Tool with logging executed successfully");
  });

  // ---- stateless-era diagnostics (server-stateless)
  // asks the client's model through an InputRequiredResult: without a declared sampling capability the SDK
  // answers -32021 with requiredCapabilities {sampling: {}} instead of the result
  server.registerTool("test_missing_capability", { description: "Needs the client's sampling capability" }, async (ctx) => {
    const r = response(ctx, "model");
    if (r) return text(`The model said: ${sampledText(r)}`);
    return inputRequired({ inputRequests: { model: sample("Say hello", 20) } });
  });
  // the 2026-07-28 way to ask for input mid-call: an InputRequiredResult on the call's own stream, never a
  // server-to-client request
  server.registerTool("test_streaming_elicitation", { description: "Asks the user for input (InputRequiredResult)" }, async (ctx) => {
    const answer = accepted(ctx, "user_input");
    if (answer) return text(`You said: ${answer.response}`);
    return inputRequired({ inputRequests: { user_input: elicit("Please say something", "response") } });
  });
  // the list-changed triggers really change the list (a tool or prompt more each time), then announce it
  server.registerTool("test_trigger_tool_change", { description: "Adds a tool and announces tools/list_changed" }, async () => {
    addedTools++;
    handler.notify.toolsChanged();
    return text(`added test_added_tool_${addedTools}`);
  });
  server.registerTool("test_trigger_prompt_change", { description: "Adds a prompt and announces prompts/list_changed" }, async () => {
    addedPrompts++;
    handler.notify.promptsChanged();
    return text(`added test_added_prompt_${addedPrompts}`);
  });
  for (let i = 1; i <= addedTools; i++) {
    server.registerTool(`test_added_tool_${i}`, { description: `Added by test_trigger_tool_change (${i})` }, async () => text(`added tool ${i}`));
  }
  for (let i = 1; i <= addedPrompts; i++) {
    server.registerPrompt(`test_added_prompt_${i}`, { description: `Added by test_trigger_prompt_change (${i})` }, async () => ({
      messages: [{ role: "user", content: { type: "text", text: `added prompt ${i}` } }],
    }));
  }

  // ---- multi-round-trip tools (SEP-2322)
  server.registerTool("test_input_required_result_elicitation", { description: "Asks for the user's name" }, async (ctx) => {
    const answer = accepted(ctx, "user_name");
    if (typeof answer?.name === "string") return text(`Hello, ${answer.name}!`);
    return inputRequired({ inputRequests: { user_name: elicit("What is your name?", "name") } });
  });
  server.registerTool("test_input_required_result_sampling", { description: "Asks the client's model a question" }, async (ctx) => {
    const r = response(ctx, "capital_question");
    if (r && (r.content !== undefined || r.role !== undefined)) return text(`The model answered: ${sampledText(r)}`);
    return inputRequired({ inputRequests: { capital_question: sample("What is the capital of France?", 100) } });
  });
  server.registerTool("test_input_required_result_list_roots", { description: "Asks for the client's roots" }, async (ctx) => {
    const r = response(ctx, "client_roots");
    if (Array.isArray(r?.roots)) return text(`Roots: ${r.roots.map((x) => x?.uri).join(", ") || "(none)"}`);
    return inputRequired({ inputRequests: { client_roots: listRoots() } });
  });
  server.registerTool("test_input_required_result_request_state", { description: "Round-trips a signed requestState" }, async (ctx) => {
    const state = await readState(ctx);
    const ok = accepted(ctx, "confirm");
    if (state?.tool === "request_state" && ok !== undefined) return text(`state-ok: confirmed=${ok.ok}`);
    return inputRequired({
      inputRequests: { confirm: elicit("Please confirm", "ok", "boolean") },
      requestState: await codec.mint({ tool: "request_state", round: 1 }),
    });
  });
  server.registerTool("test_input_required_result_multiple_inputs", { description: "Asks for three inputs at once" }, async (ctx) => {
    const state = await readState(ctx);
    const name = accepted(ctx, "user_name");
    const greeting = response(ctx, "greeting");
    const roots = response(ctx, "client_roots");
    if (state?.tool === "multiple_inputs" && name && greeting && Array.isArray(roots?.roots)) {
      return text(`name=${name.name}, greeting=${sampledText(greeting)}, roots=${roots.roots.length}`);
    }
    return inputRequired({
      inputRequests: {
        user_name: elicit("What is your name?", "name"),
        greeting: sample("Generate a greeting", 50),
        client_roots: listRoots(),
      },
      requestState: await codec.mint({ tool: "multiple_inputs" }),
    });
  });
  server.registerTool("test_input_required_result_multi_round", { description: "Two rounds of questions" }, async (ctx) => {
    const state = await readState(ctx);
    if (state?.tool === "multi_round" && state.round === 2) {
      const color = accepted(ctx, "step2");
      if (color) return text(`${state.name}'s favourite colour is ${color.color}`);
    }
    if (state?.tool === "multi_round" && state.round === 1) {
      const name = accepted(ctx, "step1");
      if (name) {
        return inputRequired({
          inputRequests: { step2: elicit("Step 2: What is your favorite color?", "color") },
          requestState: await codec.mint({ tool: "multi_round", round: 2, name: name.name }),
        });
      }
    }
    return inputRequired({
      inputRequests: { step1: elicit("Step 1: What is your name?", "name") },
      requestState: await codec.mint({ tool: "multi_round", round: 1 }),
    });
  });
  server.registerTool("test_input_required_result_tampered_state", { description: "Signs its requestState" }, async (ctx) => {
    const state = await readState(ctx);
    if (state?.tool === "tampered_state") return text("state verified");
    return inputRequired({
      inputRequests: { confirm: elicit("Please confirm", "ok", "boolean") },
      requestState: await codec.mint({ tool: "tampered_state" }),
    });
  });
  server.registerTool("test_input_required_result_capabilities", { description: "Asks only for what the client can answer" }, async (ctx) => {
    const caps = clientCapabilities(ctx);
    const asked = {};
    if (caps.elicitation) asked.user_name = elicit("What is your name?", "name");
    if (caps.sampling) asked.greeting = sample("Generate a greeting", 50);
    if (caps.roots) asked.client_roots = listRoots();
    const answered = Object.keys(asked).filter((k) => response(ctx, k) !== undefined);
    if (Object.keys(asked).length === 0 || answered.length === Object.keys(asked).length) {
      return text(`answered: ${answered.join(", ") || "(nothing to ask)"}`);
    }
    return inputRequired({ inputRequests: asked });
  });

  // ---- resources
  server.registerResource(
    "static-text",
    "test://static-text",
    { description: "A static text resource", mimeType: "text/plain", cacheHint: hint },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: "This is the content of the static text resource." }] }),
  );
  server.registerResource(
    "static-binary",
    "test://static-binary",
    { description: "A static binary resource (PNG)", mimeType: "image/png", cacheHint: hint },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: "image/png", blob: PNG }] }),
  );
  server.registerResource(
    "watched-resource",
    "test://watched-resource",
    { description: "A resource that can be subscribed to", mimeType: "text/plain", cacheHint: hint },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: "Watched resource content" }] }),
  );
  server.registerResource(
    "template-data",
    new ResourceTemplate("test://template/{id}/data", { list: undefined }),
    { description: "Data for an id", mimeType: "application/json", cacheHint: hint },
    async (uri, { id }) => ({
      contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }],
    }),
  );

  // ---- prompts
  server.registerPrompt("test_simple_prompt", { description: "A simple prompt without arguments" }, async () => ({
    messages: [{ role: "user", content: { type: "text", text: "This is a simple prompt for testing." } }],
  }));
  server.registerPrompt(
    "test_prompt_with_arguments",
    {
      description: "A prompt with two required arguments",
      argsSchema: {
        arg1: completable(z.string().describe("First test argument"), (v) => ["paris", "park", "party"].filter((s) => s.startsWith(v ?? ""))),
        arg2: z.string().describe("Second test argument"),
      },
    },
    async ({ arg1, arg2 }) => ({
      messages: [{ role: "user", content: { type: "text", text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }],
    }),
  );
  server.registerPrompt(
    "test_prompt_with_embedded_resource",
    { description: "A prompt that embeds a resource", argsSchema: { resourceUri: z.string().describe("URI of the resource to embed") } },
    async ({ resourceUri }) => ({
      messages: [
        { role: "user", content: { type: "resource", resource: { uri: resourceUri, mimeType: "text/plain", text: "Embedded resource content for testing." } } },
        { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
      ],
    }),
  );
  server.registerPrompt("test_prompt_with_image", { description: "A prompt with an image" }, async () => ({
    messages: [
      { role: "user", content: { type: "image", data: PNG, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } },
    ],
  }));
  server.registerPrompt("test_input_required_result_prompt", { description: "A prompt that first asks for context" }, async (ctx) => {
    const answer = accepted(ctx, "user_context");
    if (typeof answer?.context === "string") {
      return { messages: [{ role: "user", content: { type: "text", text: `Use this context: ${answer.context}` } }] };
    }
    return inputRequired({ inputRequests: { user_context: elicit("What context should the prompt use?", "context") } });
  });

  return server;
}

const handler = createMcpHandler(serverFor, { legacy: "reject", onerror: (e) => console.error("[conformance-server-2026]", e.message) });

/** The task surface's answer to a POST (see tasks-fixtures.mjs), or undefined for the SDK's handler. */
function tasksAnswer(method, chunks, headers) {
  if (method !== "POST") return undefined;
  let message;
  try {
    message = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined; // the SDK answers the parse error
  }
  const answer = Array.isArray(message) ? undefined : taskSurface.handle(message, headers);
  if (!answer) return undefined;
  const body = { jsonrpc: "2.0", id: message.id ?? null, ...(answer.error ? { error: answer.error } : { result: answer.result }) };
  return new Response(JSON.stringify(body), { status: answer.status, headers: { "content-type": "application/json" } });
}

// node:http <-> fetch, with Host/Origin validation in front (DNS rebinding protection for a localhost server)
const httpServer = http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host ?? "localhost"}`);
  if (url.pathname !== "/mcp") {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  const request = new Request(url, {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
    signal: abort.signal,
  });
  const response =
    hostHeaderValidationResponse(request, localhostAllowedHostnames()) ??
    originValidationResponse(request, localhostAllowedOrigins()) ??
    tasksAnswer(req.method, chunks, headers) ??
    (await handler.fetch(request));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) Readable.fromWeb(response.body).pipe(res);
  else res.end();
});
httpServer.listen(PORT, "127.0.0.1", () => console.log(`conformance-server-2026 listening on port ${PORT}`));
