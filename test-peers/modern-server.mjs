// A modern-only (2026-07-28) MCP server for the gateway's tests: the official TypeScript SDK v2
// (@modelcontextprotocol/server), served statelessly by createMcpHandler with legacy: 'reject', so that an
// `initialize` gets HTTP 400 with -32022 and only server/discover and per-request-_meta requests work.
//
// Environment:
//   PORT    (required) port to listen on, on 127.0.0.1; endpoint http://127.0.0.1:<port>/mcp
//   LEGACY  'reject' (default: modern only) or 'stateless' (dual-era, the SDK's default)
//
// Tools:
//   add {a,b}          -> "5" for 2 and 3
//   ask {question}     -> InputRequiredResult with an elicitation (MRTR); the retry answers "You answered: <answer>"
//   sample {prompt}    -> InputRequiredResult with a sampling/createMessage; the retry answers "Model said: <text>"
//   slow {n}           -> n progress notifications (SSE answer), then "done after n steps"
//   loop               -> asks for input forever (a requestState each round, no inputRequests): too many rounds
//   stale              -> asks once with a requestState the server then refuses: -32602 "Invalid or expired requestState"
//   echo-meta          -> the request's _meta and envelope (what the gateway sent) as JSON text
//   aborted            -> how many answers were cut before their end (the client, or the gateway, cancelled)
//   grow               -> adds a tool extra-<n> and announces tools/list_changed on subscriptions/listen streams
//   touch              -> announces notifications/resources/updated for demo://greeting to its subscribers
// Resource: demo://greeting ("hello from the modern server"). Prompt: greet {name}.
//
// Prints `modern-server listening on port <port>` once listening.

import http from "node:http";
import { Readable } from "node:stream";
import * as z from "zod/v4";
import { McpServer, createMcpHandler, inputRequired, acceptedContent, inputResponse } from "@modelcontextprotocol/server";

const PORT = Number(process.env.PORT);
if (!Number.isInteger(PORT) || PORT <= 0) {
  console.error("modern-server: env PORT is required");
  process.exit(2);
}
const LEGACY = process.env.LEGACY || "reject";
const text = (t) => ({ content: [{ type: "text", text: t }] });
const state = (obj) => Buffer.from(JSON.stringify(obj)).toString("base64url");
let aborted = 0; // responses whose connection closed before they ended: a 2026-07-28 cancellation
let grown = 0; // tools added by 'grow' (the server is built per request: this is its only state)

function serverFor() {
  const server = new McpServer(
    { name: "modern-test-server", version: "1.0.0" },
    {
      cacheHints: { "tools/list": { ttlMs: 1000, cacheScope: "public" } },
      // resource subscriptions on subscriptions/listen (the SDK honours resourceSubscriptions only with this)
      capabilities: { resources: { subscribe: true, listChanged: true } },
      // the 'stale' tool's state is refused on its retry, as an expired or tampered state would be
      requestState: {
        verify: async (s) => {
          if (s.startsWith("stale-")) throw new Error("expired");
          return s;
        },
      },
    },
  );

  server.registerTool(
    "add",
    { description: "Adds two numbers", inputSchema: z.object({ a: z.number(), b: z.number() }) },
    async ({ a, b }) => text(String(a + b)),
  );

  const answerSchema = z.object({ answer: z.string() });
  server.registerTool(
    "ask",
    { description: "Asks the user a question (elicitation through InputRequiredResult)", inputSchema: z.object({ question: z.string().default("Favourite colour?") }) },
    async ({ question }, ctx) => {
      const answered = acceptedContent(ctx.mcpReq.inputResponses, "user_answer", answerSchema);
      if (answered !== undefined) {
        return text(`You answered: ${answered.answer} (state ${ctx.mcpReq.requestState()})`);
      }
      const view = inputResponse(ctx.mcpReq.inputResponses, "user_answer");
      if (view.kind === "elicit") {
        return { ...text(`The user did not answer (${view.action})`), isError: true };
      }
      return inputRequired({
        inputRequests: { user_answer: inputRequired.elicit({ message: question, requestedSchema: answerSchema }) },
        requestState: state({ q: question, round: 1 }),
      });
    },
  );

  server.registerTool(
    "sample",
    { description: "Asks the client's model (sampling through InputRequiredResult)", inputSchema: z.object({ prompt: z.string() }) },
    async ({ prompt }, ctx) => {
      const view = inputResponse(ctx.mcpReq.inputResponses, "model");
      if (view.kind === "sampling") {
        const c = view.result?.content;
        const said = Array.isArray(c) ? c.map((x) => x.text).join("") : c?.text;
        return text(`Model said: ${said}`);
      }
      return inputRequired({
        inputRequests: {
          model: inputRequired.createMessage({
            messages: [{ role: "user", content: { type: "text", text: prompt } }],
            maxTokens: 20,
          }),
        },
        requestState: state({ prompt }),
      });
    },
  );

  server.registerTool(
    "slow",
    {
      description: "Counts to n, with progress",
      inputSchema: z.object({ n: z.number().int().min(1).max(50).default(3), delay: z.number().int().min(1).max(1000).default(50) }),
    },
    async ({ n, delay }, ctx) => {
      const token = ctx.mcpReq._meta?.progressToken;
      for (let i = 1; i <= n; i++) {
        await new Promise((r) => setTimeout(r, delay));
        if (token !== undefined) {
          await ctx.mcpReq.notify({
            method: "notifications/progress",
            params: { progressToken: token, progress: i, total: n, message: `step ${i}/${n}` },
          });
        }
      }
      return text(`done after ${n} steps`);
    },
  );

  server.registerTool("loop", { description: "Asks for input forever" }, async (ctx) => {
    const round = Number(JSON.parse(Buffer.from(ctx.mcpReq.requestState() ?? state({ round: 0 }), "base64url")).round ?? 0);
    return inputRequired({ requestState: state({ round: round + 1 }) });
  });

  server.registerTool("stale", { description: "Asks once with a state it then refuses" }, async () =>
    inputRequired({ requestState: "stale-" + Date.now() }),
  );

  server.registerTool("echo-meta", { description: "The request's _meta as JSON" }, async (ctx) =>
    text(JSON.stringify({ meta: ctx.mcpReq._meta ?? {}, envelope: ctx.mcpReq.envelope ?? null })),
  );

  server.registerTool("aborted", { description: "How many answers were cut before their end (cancellations)" }, async () =>
    text(String(aborted)),
  );

  server.registerTool("grow", { description: "Adds a tool and announces it" }, async () => {
    grown++;
    handler.notify.toolsChanged();
    return text(`extra-${grown}`);
  });
  server.registerTool("touch", { description: "Announces that demo://greeting changed" }, async () => {
    handler.notify.resourceUpdated("demo://greeting");
    return text("touched");
  });
  for (let i = 1; i <= grown; i++) {
    server.registerTool(`extra-${i}`, { description: `Added by grow (${i})` }, async () => text(`extra ${i}`));
  }

  server.registerResource(
    "greeting",
    "demo://greeting",
    { title: "Greeting", mimeType: "text/plain", cacheHint: { ttlMs: 30000, cacheScope: "public" } },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: "hello from the modern server" }] }),
  );

  server.registerPrompt(
    "greet",
    { description: "A greeting", argsSchema: { name: z.string() } },
    async ({ name }) => ({ messages: [{ role: "user", content: { type: "text", text: `Say hello to ${name}` } }] }),
  );

  return server;
}

const handler = createMcpHandler(serverFor, { legacy: LEGACY, onerror: (e) => console.error("[modern-server]", e.message) });

// node:http <-> fetch: the request's body in, the Response streamed out (so that SSE stays live)
const httpServer = http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  if (url.pathname !== "/mcp") {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) aborted++;
    abort.abort();
  });
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  if (process.env.LOG_REQUESTS) {
    console.error(`[modern-server] ${req.method} ${headers.get("mcp-method") ?? ""} ${headers.get("mcp-name") ?? ""} ${Buffer.concat(chunks)}`);
  }
  const response = await handler.fetch(
    new Request(url, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
      signal: abort.signal,
    }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) Readable.fromWeb(response.body).pipe(res);
  else res.end();
});
httpServer.listen(PORT, "127.0.0.1", () => console.log(`modern-server listening on port ${PORT} (legacy=${LEGACY})`));
