#!/usr/bin/env node
// MCP test driver for the gateway's OAuth resource server: the official TypeScript SDK v1 client with its
// ClientCredentialsProvider. Nothing is configured but the gateway's URL and the client's credentials: the SDK gets
// the 401, reads the WWW-Authenticate challenge, fetches the protected resource metadata (RFC 9728), then the
// authorization server's metadata, asks for a client-credentials token for the gateway (resource = its URL,
// RFC 8707) and retries.
//
// Usage: node test-peers/oauth-client.mjs <mcpUrl> <clientId> <clientSecret> <scope> <tool> <argumentsJson>
// Prints ONE JSON line: {"ok":true,"tools":[...],"result":{...},"http":[{method,url,status}...]} or {"ok":false,"error":...}.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { finish, listAllToolNames } from "./driver-common.mjs";

const [, , mcpUrl, clientId, clientSecret, scope, tool, args] = process.argv;
setTimeout(() => finish({ ok: false, error: "timeout", http }, 1), 30000).unref();

// every HTTP exchange the SDK makes (to the gateway and to the authorization server), for the test to check the flow
const http = [];
const recording = async (url, init) => {
  const r = await fetch(url, init);
  http.push({ method: init?.method ?? "GET", url: String(url), status: r.status });
  return r;
};

try {
  const provider = new ClientCredentialsProvider({ clientId, clientSecret, scope });
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, fetch: recording });
  const client = new Client({ name: "camel-mcp-gateway-tests-oauth", version: "1.0.0" });
  await client.connect(transport);
  const tools = await listAllToolNames(client);
  const result = await client.callTool({ name: tool, arguments: JSON.parse(args) });
  await transport.terminateSession().catch(() => {});
  finish({ ok: true, tools, result, http }, 0);
} catch (e) {
  finish({ ok: false, error: String(e?.stack ?? e), http }, 1);
}
