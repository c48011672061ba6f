// Paged MCP fixture server for the gateway's tests.
//
// A stateful Streamable HTTP MCP server (official TypeScript SDK, low-level
// `Server` class) exposing many tools and prompts, returned in pages with an
// opaque `nextCursor`, so the gateway's pagination handling can be tested.
//
// Environment:
//   PORT       (required) port to listen on, on 127.0.0.1
//   TOOLS      number of tools, named tool-0000 ... (default 1000)
//   PROMPTS    number of prompts, named prompt-000 ... (default 120)
//   PAGE_SIZE  items per tools/list and prompts/list page (default 50)
//   ASK_ANYWAY 1: one more tool, `ask-anyway`, that sends elicitation/create whatever the client declared (a server
//              that ignores capabilities, to test what the gateway does with one)
//
// Prints `paged-server listening on port <port>` once listening.
// Endpoint: http://127.0.0.1:<port>/mcp (any path is accepted).

import http from "node:http";
import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema,
  ElicitResultSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListToolsRequestSchema,
  McpError,
  isInitializeRequest,
} from "@modelcontextprotocol/sdk/types.js";

function intEnv(name, def, { required = false, min = 0 } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") {
    if (required) {
      console.error(`paged-server: env ${name} is required`);
      process.exit(2);
    }
    return def;
  }
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) {
    console.error(`paged-server: env ${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return v;
}

const PORT = intEnv("PORT", undefined, { required: true });
const TOOLS = intEnv("TOOLS", 1000);
const ASK_ANYWAY = process.env.ASK_ANYWAY === "1";
const PROMPTS = intEnv("PROMPTS", 120);
const PAGE_SIZE = intEnv("PAGE_SIZE", 50, { min: 1 });

const pad = (i, w) => String(i).padStart(w, "0");
const toolName = (i) => `tool-${pad(i, 4)}`;
const promptName = (i) => `prompt-${pad(i, 3)}`;

const TOOL_NAMES = new Set(Array.from({ length: TOOLS }, (_, i) => toolName(i)));
const PROMPT_NAMES = new Set(Array.from({ length: PROMPTS }, (_, i) => promptName(i)));

// Opaque cursor: base64url of the decimal offset.
const encodeCursor = (offset) => Buffer.from(`offset:${offset}`, "utf8").toString("base64url");

function decodeCursor(cursor, total) {
  if (cursor === undefined) return 0;
  if (typeof cursor === "string") {
    const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
    if (m && encodeCursor(Number(m[1])) === cursor) {
      const offset = Number(m[1]);
      if (offset > 0 && offset < total) return offset;
    }
  }
  throw new McpError(ErrorCode.InvalidParams, `Invalid cursor: ${JSON.stringify(cursor)}`);
}

function page(total, cursor, make) {
  const start = decodeCursor(cursor, total);
  const end = Math.min(start + PAGE_SIZE, total);
  const items = [];
  for (let i = start; i < end; i++) items.push(make(i));
  return { items, nextCursor: end < total ? encodeCursor(end) : undefined };
}

function createServer() {
  const server = new Server(
    { name: "paged-server", version: "1.0.0" },
    { capabilities: { tools: { listChanged: true }, prompts: {} } },
  );

  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    const { items, nextCursor } = page(TOOLS, request.params?.cursor, (i) => ({
      name: toolName(i),
      description: `Paged fixture tool number ${i}; echoes its name and n.`,
      inputSchema: { type: "object", properties: { n: { type: "number" } } },
    }));
    if (ASK_ANYWAY && nextCursor === undefined) {
      items.push({ name: "ask-anyway", description: "Elicits, declared or not", inputSchema: { type: "object" } });
    }
    return nextCursor === undefined ? { tools: items } : { tools: items, nextCursor };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args } = request.params;
    if (ASK_ANYWAY && name === "ask-anyway") {
      // a raw request: the SDK checks the client's capabilities only in elicitInput (or with strict capabilities)
      const answer = await extra.sendRequest({ method: "elicitation/create", params: { message: "Anything?",
        requestedSchema: { type: "object", properties: { a: { type: "string" } } } } }, ElicitResultSchema);
      return { content: [{ type: "text", text: `answered ${answer.action}` }] };
    }
    if (!TOOL_NAMES.has(name)) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    }
    return { content: [{ type: "text", text: `${name}: ${args?.n}` }] };
  });

  server.setRequestHandler(ListPromptsRequestSchema, async (request) => {
    const { items, nextCursor } = page(PROMPTS, request.params?.cursor, (i) => ({
      name: promptName(i),
      description: `Paged fixture prompt number ${i}`,
    }));
    return nextCursor === undefined ? { prompts: items } : { prompts: items, nextCursor };
  });

  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    const { name } = request.params;
    if (!PROMPT_NAMES.has(name)) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${name}`);
    }
    return {
      description: `Paged fixture prompt ${name}`,
      messages: [{ role: "user", content: { type: "text", text: `prompt ${name}` } }],
    };
  });

  return server;
}

/** sessionId -> { transport, server } */
const sessions = new Map();

function sendJsonRpcError(res, status, code, message) {
  if (res.headersSent) return;
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function handle(req, res) {
  const header = req.headers["mcp-session-id"];
  const sessionId = Array.isArray(header) ? header[0] : header;

  if (req.method === "POST") {
    let body;
    try {
      const text = await readBody(req);
      body = JSON.parse(text);
    } catch {
      return sendJsonRpcError(res, 400, ErrorCode.ParseError, "Parse error: invalid JSON body");
    }

    if (sessionId) {
      const s = sessions.get(sessionId);
      if (!s) return sendJsonRpcError(res, 404, -32001, "Session not found");
      return s.transport.handleRequest(req, res, body);
    }

    const isInit = Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body);
    if (!isInit) {
      return sendJsonRpcError(res, 400, -32000, "Bad Request: No valid session ID provided");
    }

    const server = createServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
    });
    transport.onclose = () => {
      const id = transport.sessionId;
      if (id && sessions.get(id)?.transport === transport) sessions.delete(id);
    };
    await server.connect(transport);
    return transport.handleRequest(req, res, body);
  }

  if (req.method === "GET" || req.method === "DELETE") {
    if (!sessionId) {
      return sendJsonRpcError(res, 400, -32000, "Bad Request: No valid session ID provided");
    }
    const s = sessions.get(sessionId);
    if (!s) return sendJsonRpcError(res, 404, -32001, "Session not found");
    return s.transport.handleRequest(req, res);
  }

  res.setHeader("Allow", "GET, POST, DELETE");
  return sendJsonRpcError(res, 405, -32000, "Method not allowed");
}

const httpServer = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error("paged-server: error handling request:", err);
    sendJsonRpcError(res, 500, ErrorCode.InternalError, "Internal server error");
  });
});

httpServer.listen(PORT, "127.0.0.1", () => {
  console.log(`paged-server listening on port ${httpServer.address().port}`);
});

let shuttingDown = false;
async function shutdown() {
  if (shuttingDown) return;
  shuttingDown = true;
  const force = setTimeout(() => process.exit(0), 2000);
  force.unref();
  for (const { server } of sessions.values()) {
    try {
      await server.close(); // also closes its transport
    } catch {
      // ignore
    }
  }
  sessions.clear();
  httpServer.close(() => process.exit(0));
  httpServer.closeAllConnections?.();
}

process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
