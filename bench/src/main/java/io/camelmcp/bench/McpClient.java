package io.camelmcp.bench;

import java.io.IOException;
import java.net.http.HttpClient;

import com.fasterxml.jackson.databind.JsonNode;

/** One simulated client's MCP session, whatever the transport. */
interface McpClient {

    /** A URL starting with {@code sse+} names a legacy HTTP+SSE endpoint (mcp-hub); others are Streamable HTTP. */
    static McpClient open(HttpClient http, String url) {
        return url.startsWith("sse+") ? new LegacySseSession(http, url.substring(4)) : new McpSession(http, url);
    }

    /** initialize + notifications/initialized; returns the initialize result. */
    JsonNode initialize() throws IOException, InterruptedException;

    /** One JSON-RPC request; returns the whole response object (with "result" or "error"). */
    JsonNode request(String method, JsonNode params) throws IOException, InterruptedException;

    void close();
}
