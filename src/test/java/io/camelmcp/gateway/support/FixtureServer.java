package io.camelmcp.gateway.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/**
 * An in-process MCP server built with the official MCP Java SDK (Streamable HTTP servlet transport on an
 * embedded Tomcat, free port), for the cases server-everything cannot play: slow, dying, oddly named.
 */
public final class FixtureServer implements AutoCloseable {

    private final Tomcat tomcat;
    private final AutoCloseable server;
    private final McpSyncServer stateful;
    private final int port;
    private final List<Seen> requests;
    private final List<Received> received;

    private FixtureServer(Tomcat tomcat, AutoCloseable server, McpSyncServer stateful, int port, List<Seen> requests,
                          List<Received> received) {
        this.tomcat = tomcat;
        this.server = server;
        this.stateful = stateful;
        this.port = port;
        this.requests = requests;
        this.received = received;
    }

    /**
     * Every request this server received, in order, with its JSON-RPC body (null for GET and DELETE): what a gateway
     * (or several replicas of it) really sent it, e.g. how many initialize, which notifications/cancelled.
     */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /**
     * One request as this server saw it: the HTTP method, its Mcp-Session-Id (null on initialize), the Mcp-Session-Id
     * this server answered (an initialize's new session), and the JSON body of a POST (null otherwise).
     */
    public record Received(String httpMethod, String session, String answeredSession,
                           com.fasterxml.jackson.databind.JsonNode body) {

        /** The JSON-RPC method of the POST body, "response" for a JSON-RPC response, or the HTTP method. */
        public String method() {
            if (body == null) {
                return httpMethod;
            }
            return body.has("method") ? body.get("method").asText() : "response";
        }

        /** The upstream session this request belongs to: its header, or the one an initialize opened. */
        public String sessionOrOpened() {
            return session != null ? session : answeredSession;
        }
    }

    /** The Authorization header of every request this server received, in order (what a gateway sent it). */
    public List<String> authorizations() {
        return requests.stream().map(Seen::authorization).filter(java.util.Objects::nonNull).toList();
    }

    /** The Host header of every request this server received, in order. */
    public List<String> hosts() {
        return requests.stream().map(Seen::host).toList();
    }

    /**
     * The client-side port of each POST this server received in one MCP session, in order: one port for many
     * requests means one kept-alive connection.
     */
    public List<Integer> postPorts(String sessionId) {
        return requests.stream().filter(r -> r.post() && sessionId.equals(r.session())).map(Seen::port).toList();
    }

    /** The Mcp-Session-Id of the last POST this server received (null before any). */
    public String lastPostSession() {
        List<Seen> posts = requests.stream().filter(Seen::post).toList();
        return posts.isEmpty() ? null : posts.get(posts.size() - 1).session();
    }

    /** The W3C traceparent header of every POST this server received, in order (null where it had none). */
    public List<String> traceparents() {
        return requests.stream().filter(Seen::post).map(Seen::traceparent).toList();
    }

    /** What the fixture remembers of one request. */
    private record Seen(String authorization, String host, boolean post, String session, int port, String traceparent) { }

    /** Wraps a servlet so that each request's Authorization and Host headers are recorded before it is served. */
    private static jakarta.servlet.Servlet recording(jakarta.servlet.Servlet inner, List<Seen> seen) {
        return recording(inner, seen, null);
    }

    /** As above; with {@code bodies}, each request's body too (read once, then served to the SDK from memory). */
    private static jakarta.servlet.Servlet recording(jakarta.servlet.Servlet inner, List<Seen> seen, List<Received> bodies) {
        return new jakarta.servlet.http.HttpServlet() {
            @Override
            public void init(jakarta.servlet.ServletConfig config) throws jakarta.servlet.ServletException {
                super.init(config);
                inner.init(config);
            }

            @Override
            public void service(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res)
                    throws jakarta.servlet.ServletException, java.io.IOException {
                var http = (jakarta.servlet.http.HttpServletRequest) req;
                seen.add(new Seen(http.getHeader("Authorization"), http.getHeader("Host"), "POST".equals(http.getMethod()),
                        http.getHeader("Mcp-Session-Id"), http.getRemotePort(), http.getHeader("traceparent")));
                if (bodies == null) {
                    inner.service(req, res);
                    return;
                }
                byte[] bytes = http.getInputStream().readAllBytes();
                com.fasterxml.jackson.databind.JsonNode body = null;
                if ("POST".equals(http.getMethod()) && bytes.length > 0) {
                    try {
                        body = RawMcpClient.JSON.readTree(bytes);
                    } catch (java.io.IOException e) {
                        body = com.fasterxml.jackson.databind.node.TextNode.valueOf(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
                // recorded before it is served (a tool call is served until it ends), completed with the session an
                // initialize opened once that is known
                Received entry = new Received(http.getMethod(), http.getHeader("Mcp-Session-Id"), null, body);
                bodies.add(entry);
                try {
                    inner.service(new BufferedBody(http, bytes), res);
                } finally {
                    String opened = ((jakarta.servlet.http.HttpServletResponse) res).getHeader("Mcp-Session-Id");
                    if (entry.session() == null && opened != null) {
                        Received done = new Received(entry.httpMethod(), null, opened, body);
                        bodies.replaceAll(r -> r == entry ? done : r);
                    }
                }
            }

            @Override
            public void destroy() {
                inner.destroy();
            }
        };
    }

    /** A request whose body has been read already: it is served again from memory. */
    private static final class BufferedBody extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final byte[] bytes;

        BufferedBody(jakarta.servlet.http.HttpServletRequest request, byte[] bytes) {
            super(request);
            this.bytes = bytes;
        }

        @Override
        public jakarta.servlet.ServletInputStream getInputStream() {
            java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(bytes);
            return new jakarta.servlet.ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(jakarta.servlet.ReadListener listener) {
                    throw new UnsupportedOperationException("blocking reads only");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            String enc = getCharacterEncoding();
            java.nio.charset.Charset cs = enc == null ? java.nio.charset.StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(enc);
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), cs));
        }
    }

    /** Adds a tool while running; the SDK then announces notifications/tools/list_changed. */
    public void addTool(String toolName, java.util.function.Function<Map<String, Object>, String> body) {
        stateful.addTool(textTool(toolName, body));
        stateful.notifyToolsListChanged();
    }

    /** A tool named and described {@code name}, taking any object. */
    private static Tool objectTool(String name) {
        return Tool.builder().name(name).description(name)
                .inputSchema(McpJsonDefaults.getMapper(), "{\"type\":\"object\"}").build();
    }

    private static SyncToolSpecification textTool(String toolName, java.util.function.Function<Map<String, Object>, String> body) {
        return SyncToolSpecification.builder()
                .tool(objectTool(toolName))
                .callHandler((ex, req) -> CallToolResult.builder()
                        .addTextContent(body.apply(req.arguments() == null ? Map.of() : req.arguments())).build())
                .build();
    }

    public String url() { return "http://127.0.0.1:" + port + "/mcp"; }

    public int port() { return port; }

    public static Builder builder(String name) { return new Builder(name); }

    public static final class Builder {
        private final String name;
        private final List<SyncToolSpecification> tools = new ArrayList<>();
        private boolean recordBodies;
        private int port;
        private java.util.function.IntSupplier health;

        Builder(String name) { this.name = name; }

        /** Listens on this port (default 0: a free one): a new server on a killed one's port is that server restarted. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Serves GET /health too, answering the HTTP status {@code status} gives at the time (a body-less answer). */
        public Builder health(java.util.function.IntSupplier status) {
            this.health = status;
            return this;
        }

        /** Records every request's body as well, for {@link FixtureServer#received()}. */
        public Builder recordingBodies() {
            recordBodies = true;
            return this;
        }

        /** A tool answering with one text, computed from the arguments. */
        public Builder tool(String toolName, java.util.function.Function<Map<String, Object>, String> body) {
            tools.add(textTool(toolName, body));
            return this;
        }

        /** A tool whose every call fails as a tool: a result with {@code isError} and the message as its text. */
        public Builder failingTool(String toolName, String message) {
            tools.add(SyncToolSpecification.builder()
                    .tool(objectTool(toolName))
                    .callHandler((ex, req) -> CallToolResult.builder().addTextContent(message).isError(true).build())
                    .build());
            return this;
        }

        /** A tool that reports progress once (so its answer is an open SSE stream) and then runs {@code action}. */
        public Builder streamingTool(String toolName, Runnable action) {
            tools.add(SyncToolSpecification.builder()
                    .tool(objectTool(toolName))
                    .callHandler((ex, req) -> {
                        if (req.progressToken() != null) {
                            ex.progressNotification(new ProgressNotification(req.progressToken(), 0, 1.0, "started"));
                        }
                        action.run();
                        return CallToolResult.builder().addTextContent(toolName + " done").build();
                    })
                    .build());
            return this;
        }

        /** A tool that logs one warning and one error (filtered by the session's logging level), then answers. */
        public Builder loggingTool(String toolName) {
            tools.add(SyncToolSpecification.builder()
                    .tool(objectTool(toolName))
                    .callHandler((ex, req) -> {
                        ex.loggingNotification(McpSchema.LoggingMessageNotification.builder()
                                .level(McpSchema.LoggingLevel.WARNING).logger(toolName).data("a warning").build());
                        ex.loggingNotification(McpSchema.LoggingMessageNotification.builder()
                                .level(McpSchema.LoggingLevel.ERROR).logger(toolName).data("an error").build());
                        return CallToolResult.builder().addTextContent("logged").build();
                    })
                    .build());
            return this;
        }

        /** A tool that reports progress {@code steps} times, {@code intervalMs} apart, then answers. */
        public Builder progressTool(String toolName, int steps, long intervalMs) {
            tools.add(SyncToolSpecification.builder()
                    .tool(objectTool(toolName))
                    .callHandler((ex, req) -> {
                        for (int i = 1; i <= steps; i++) {
                            if (req.progressToken() != null) {
                                ex.progressNotification(new ProgressNotification(req.progressToken(), i, (double) steps, "step " + i));
                            }
                            try {
                                Thread.sleep(intervalMs);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        return CallToolResult.builder().addTextContent(toolName + " finished").build();
                    })
                    .build());
            return this;
        }

        public FixtureServer start() throws Exception {
            HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(McpJsonDefaults.getMapper())
                    .mcpEndpoint("/mcp")
                    .build();
            McpSyncServer server = McpServer.sync(transport)
                    .serverInfo(name, "1.0.0")
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(true).logging().build())
                    .strictToolNameValidation(false) // we want servers with names the gateway must refuse
                    .tools(tools)
                    .build();
            List<Seen> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Received> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.function.IntSupplier status = health;
            jakarta.servlet.Servlet healthServlet = status == null ? null : new jakarta.servlet.http.HttpServlet() {
                @Override
                protected void doGet(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res) {
                    res.setStatus(status.getAsInt());
                }
            };
            Tomcat tomcat = serve(name, recording(transport, seen, recordBodies ? bodies : null), port, healthServlet);
            return new FixtureServer(tomcat, server::close, server, tomcat.getConnector().getLocalPort(), seen, bodies);
        }
    }

    /**
     * A stateless server (no Mcp-Session-Id) that answers every request with plain application/json:
     * the other half of what an upstream may do. One tool, text in, text out.
     */
    public static FixtureServer statelessJson(String name, String toolName,
                                              java.util.function.Function<Map<String, Object>, String> body) throws Exception {
        HttpServletStatelessServerTransport transport = HttpServletStatelessServerTransport.builder()
                .jsonMapper(McpJsonDefaults.getMapper())
                .messageEndpoint("/mcp")
                .build();
        McpStatelessSyncServer server = McpServer.sync(transport)
                .serverInfo(name, "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(McpStatelessServerFeatures.SyncToolSpecification.builder()
                        .tool(Tool.builder().name(toolName).description(toolName)
                                .inputSchema(McpJsonDefaults.getMapper(), "{\"type\":\"object\"}").build())
                        .callHandler((ctx, req) -> CallToolResult.builder()
                                .addTextContent(body.apply(req.arguments() == null ? Map.of() : req.arguments())).build())
                        .build())
                .build();
        Tomcat tomcat = serve(name, transport);
        return new FixtureServer(tomcat, server::close, null, tomcat.getConnector().getLocalPort(), List.of(), List.of());
    }

    private static Tomcat serve(String name, jakarta.servlet.Servlet servlet) throws Exception {
        return serve(name, servlet, 0);
    }

    /** An embedded Tomcat on 127.0.0.1 ({@code port} 0: a free one) with the servlet at /mcp. */
    public static Tomcat serve(String name, jakarta.servlet.Servlet servlet, int port) throws Exception {
        return serve(name, servlet, port, null);
    }

    /** The same, with {@code health} (when not null) at /health. */
    private static Tomcat serve(String name, jakarta.servlet.Servlet servlet, int port, jakarta.servlet.Servlet health)
            throws Exception {
        Path base = Files.createTempDirectory("fixture-" + name);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context ctx = tomcat.addContext("", base.toString());
        Wrapper w = Tomcat.addServlet(ctx, "mcp", servlet);
        w.setAsyncSupported(true); // SSE answers use request.startAsync()
        ctx.addServletMappingDecoded("/mcp", "mcp");
        if (health != null) {
            Tomcat.addServlet(ctx, "health", health);
            ctx.addServletMappingDecoded("/health", "health");
        }
        tomcat.start();
        return tomcat;
    }

    /** Stops abruptly: open connections are cut, as when a server process dies. */
    public void kill() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (Exception ignored) {
            // already stopping
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (Exception ignored) {
            // best effort
        }
        kill();
    }
}
