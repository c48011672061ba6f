package io.camelmcp.gateway.support;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Raw 2026-07-28 requests, as a stateless client puts them on the wire: {@code _meta} with the revision, the client's
 * capabilities and info in the params, and the headers that mirror the body ({@code MCP-Protocol-Version},
 * {@code Mcp-Method}, {@code Mcp-Name}). A header given as "" is left out.
 */
public final class StatelessRequests {

    public static final String V = "2026-07-28";

    private StatelessRequests() {}

    public static HttpResponse<String> post(String endpoint, Object id, String method, String params, String capabilities,
                                            Map<String, String> headers) throws Exception {
        return post(endpoint, id, method, params, capabilities, headers, null);
    }

    /**
     * The same, adding the request and every message of its answer to {@code conversation} as
     * {@code {dir: out|in, message}} records (for {@link McpSchemas#assertValid}).
     */
    public static HttpResponse<String> post(String endpoint, Object id, String method, String params, String capabilities,
                                            Map<String, String> headers, List<JsonNode> conversation) throws Exception {
        Map<String, String> h = new HashMap<>();
        String body = build(id, method, params, capabilities, headers, h);
        HttpResponse<String> r = new RawMcpClient(endpoint).post(body, h);
        if (conversation != null) {
            conversation.add(record("out", RawMcpClient.JSON.readTree(body)));
            for (JsonNode m : RawMcpClient.messages(r)) {
                conversation.add(record("in", m));
            }
        }
        return r;
    }

    public static JsonNode record(String dir, JsonNode message) {
        ObjectNode r = RawMcpClient.JSON.createObjectNode().put("dir", dir);
        r.set("message", message);
        return r;
    }

    /**
     * A request whose answer is a long stream (subscriptions/listen): each message goes to {@code onMessage}, in a
     * virtual thread, until the handle is closed.
     */
    public static AutoCloseable stream(String endpoint, Object id, String method, String params, String capabilities,
                                       java.util.function.Consumer<JsonNode> onMessage) throws Exception {
        Map<String, String> h = new HashMap<>();
        String body = build(id, method, params, capabilities, Map.of(), h);
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(endpoint))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Accept", RawMcpClient.BOTH);
        h.forEach(b::header);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        HttpResponse<java.io.InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = Thread.ofVirtual().start(() -> {
            try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("data:") && !line.substring(5).isBlank()) {
                        onMessage.accept(RawMcpClient.JSON.readTree(line.substring(5).trim()));
                    }
                }
            } catch (java.io.IOException ignored) {
                // closed by the test
            }
        });
        return () -> {
            r.body().close();
            reader.interrupt();
        };
    }

    private static String build(Object id, String method, String params, String capabilities, Map<String, String> headers,
                                Map<String, String> h) throws Exception {
        ObjectNode p = params == null ? RawMcpClient.JSON.createObjectNode() : (ObjectNode) RawMcpClient.JSON.readTree(params);
        ObjectNode meta = p.has("_meta") ? (ObjectNode) p.get("_meta") : p.putObject("_meta");
        if (!meta.has("io.modelcontextprotocol/protocolVersion")) {
            meta.put("io.modelcontextprotocol/protocolVersion", V);
        }
        if (!meta.has("io.modelcontextprotocol/clientCapabilities")) {
            meta.set("io.modelcontextprotocol/clientCapabilities", RawMcpClient.JSON.readTree(capabilities));
        }
        meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "raw-2026").put("version", "1");
        ObjectNode req = RawMcpClient.JSON.createObjectNode().put("jsonrpc", "2.0");
        if (id instanceof Integer i) {
            req.put("id", i);
        } else if (id != null) {
            req.put("id", id.toString());
        }
        req.put("method", method).set("params", p);
        h.putAll(Map.of("MCP-Protocol-Version", V, "Mcp-Method", method));
        if (p.has("name") && !method.equals("subscriptions/listen")) {
            h.put("Mcp-Name", p.get("name").asText());
        }
        if (p.has("uri")) {
            h.put("Mcp-Name", p.get("uri").asText());
        }
        if (p.has("taskId") && method.startsWith("tasks/")) {
            h.put("Mcp-Name", p.get("taskId").asText()); // the tasks extension's routing header
        }
        h.putAll(headers);
        h.values().removeIf(v -> v == null || v.isEmpty());
        return RawMcpClient.JSON.writeValueAsString(req);
    }

    /** The last message of an answer (JSON, or the end of an SSE stream). */
    public static JsonNode last(HttpResponse<String> r) throws Exception {
        List<JsonNode> m = RawMcpClient.messages(r);
        if (m.isEmpty()) {
            throw new AssertionError("no message in HTTP " + r.statusCode() + ": " + r.body());
        }
        return m.get(m.size() - 1);
    }

    /** A call's params with the state of an InputRequiredResult and the client's input responses (or none). */
    public static String retry(String callParams, String state, String responses) throws Exception {
        ObjectNode p = (ObjectNode) RawMcpClient.JSON.readTree(callParams);
        p.put("requestState", state);
        if (responses != null) {
            p.set("inputResponses", RawMcpClient.JSON.readTree(responses));
        }
        return p.toString();
    }
}
