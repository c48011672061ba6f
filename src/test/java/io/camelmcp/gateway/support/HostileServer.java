package io.camelmcp.gateway.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An MCP server over Streamable HTTP that initializes and lists its tools like any other, and then answers each
 * tool's call the way a broken or lying upstream does: the tool's name says how ({@link #TOOLS}). Hand-written on
 * purpose: no SDK sends these, and a gateway meets them in production (a proxy's error page, a crashed process,
 * a server answering another request's id).
 */
public final class HostileServer implements AutoCloseable {

    /** The tools, each named for the answer its call gets; {@code ok} answers correctly. */
    public static final String[] TOOLS = {"ok", "html", "bytes", "not_rpc", "wrong_id", "string_id", "no_result",
            "html_type", "sse_wrong_id", "sse_garbage", "sse_break", "sse_not_rpc", "slow", "stall_body", "sse_endless"};

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    /** Tool calls that reached this server: what a test counts to see that an open breaker spared it. */
    private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    /** How long {@code slow} takes before it answers, and how long {@code stall_body} stalls its answer's body. */
    private volatile long slowMillis = 1500;
    /** Extra tools its tools/list lists, and how long each one's description is: a giant list. */
    private volatile int extraTools;
    private volatile int descriptionChars;

    private HostileServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/mcp", this::handle);
        server.start();
    }

    public static HostileServer start() throws IOException {
        return new HostileServer();
    }

    public int calls() {
        return calls.get();
    }

    /** From now on tools/list also lists {@code count} tools with descriptions of {@code chars} characters. */
    public void giantList(int count, int chars) {
        this.extraTools = count;
        this.descriptionChars = chars;
    }

    public void slowMillis(long millis) {
        this.slowMillis = millis;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            JsonNode msg = JSON.readTree(ex.getRequestBody());
            JsonNode id = msg.get("id");
            String method = msg.path("method").asText();
            if (id == null) {
                ex.sendResponseHeaders(202, -1);
                return;
            }
            ex.getResponseHeaders().add("Mcp-Session-Id", "hostile-session");
            switch (method) {
                case "initialize" -> json(ex, result(id, JSON.readTree("{\"protocolVersion\":\"2025-11-25\","
                        + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"hostile\",\"version\":\"1\"}}")));
                case "tools/list" -> {
                    ObjectNode list = JSON.createObjectNode();
                    for (String tool : TOOLS) {
                        list.withArray("tools").addObject().put("name", tool)
                                .putObject("inputSchema").put("type", "object");
                    }
                    String description = "d".repeat(descriptionChars);
                    for (int i = 0; i < extraTools; i++) {
                        list.withArray("tools").addObject().put("name", "t" + i).put("description", description)
                                .putObject("inputSchema").put("type", "object");
                    }
                    // and names no client can call: skipped, not served
                    list.withArray("tools").addObject().put("name", "has space").putObject("inputSchema").put("type", "object");
                    list.withArray("tools").addObject().put("name", "").putObject("inputSchema").put("type", "object");
                    list.withArray("tools").addObject().put("name", "x".repeat(300)).putObject("inputSchema").put("type", "object");
                    json(ex, result(id, list));
                }
                case "tools/call" -> call(ex, id, msg.path("params").path("name").asText(),
                        msg.path("params").path("_meta").path("progressToken"));
                default -> json(ex, result(id, JSON.createObjectNode()));
            }
        }
    }

    private void call(HttpExchange ex, JsonNode id, String tool, JsonNode progressToken) throws IOException {
        calls.incrementAndGet();
        switch (tool) {
            case "sse_endless" -> {
                // progress every 100 ms, never a response: only the gateway's whole-call bound ends it
                ex.getResponseHeaders().add("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                for (int i = 1; ; i++) {
                    ObjectNode p = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/progress");
                    p.putObject("params").put("progress", i).set("progressToken", progressToken);
                    out.write(("data: " + JSON.writeValueAsString(p) + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush(); // throws once the gateway let go
                    pause(100);
                }
            }
            case "slow" -> {
                pause(slowMillis);
                json(ex, result(id, text("slow but fine")));
            }
            case "stall_body" -> {
                // the headers and half the answer, then nothing: a server stuck mid-write
                byte[] bytes = JSON.writeValueAsBytes(result(id, text("never complete")));
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, bytes.length);
                ex.getResponseBody().write(bytes, 0, bytes.length / 2);
                ex.getResponseBody().flush();
                pause(slowMillis);
            }
            case "ok" -> json(ex, result(id, text("fine")));
            case "html" -> raw(ex, "application/json", "<html><body><h1>502 Bad Gateway</h1></body></html>");
            case "bytes" -> {
                byte[] noise = new byte[512];
                new Random(42).nextBytes(noise);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, noise.length);
                ex.getResponseBody().write(noise);
            }
            case "not_rpc" -> raw(ex, "application/json", "{\"hello\":\"world\"}");
            case "wrong_id" -> json(ex, result(JSON.getNodeFactory().numberNode(987654), text("someone else's")));
            case "string_id" -> json(ex, result(JSON.getNodeFactory().textNode(id.asText()), text("id as a string")));
            case "no_result" -> raw(ex, "application/json", "{\"jsonrpc\":\"2.0\",\"id\":" + id + "}");
            case "html_type" -> raw(ex, "text/html", "<html>maintenance</html>");
            case "sse_wrong_id" -> sse(ex, JSON.writeValueAsString(result(JSON.getNodeFactory().numberNode(987654),
                    text("someone else's"))));
            case "sse_garbage" -> sse(ex, "this is not json");
            case "sse_not_rpc" -> sse(ex, "{\"hello\":\"world\"}");
            case "sse_break" -> {
                // a progress notification, then the process dies before the response
                ex.getResponseHeaders().add("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                out.write(("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":"
                        + "{\"level\":\"info\",\"data\":\"starting\"}}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            default -> json(ex, result(id, text("?")));
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ObjectNode text(String text) {
        ObjectNode r = JSON.createObjectNode();
        r.withArray("content").addObject().put("type", "text").put("text", text);
        return r;
    }

    private static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode out = JSON.createObjectNode().put("jsonrpc", "2.0");
        out.set("id", id);
        out.set("result", result);
        return out;
    }

    private static void json(HttpExchange ex, JsonNode body) throws IOException {
        raw(ex, "application/json", JSON.writeValueAsString(body));
    }

    private static void raw(HttpExchange ex, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void sse(HttpExchange ex, String data) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        ex.getResponseBody().write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
