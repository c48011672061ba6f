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

    private FixtureServer(Tomcat tomcat, AutoCloseable server, McpSyncServer stateful, int port, List<Seen> requests) {
        this.tomcat = tomcat;
        this.server = server;
        this.stateful = stateful;
        this.port = port;
        this.requests = requests;
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

    /** What the fixture remembers of one request. */
    private record Seen(String authorization, String host, boolean post, String session, int port) { }

    /** Wraps a servlet so that each request's Authorization and Host headers are recorded before it is served. */
    private static jakarta.servlet.Servlet recording(jakarta.servlet.Servlet inner, List<Seen> seen) {
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
                        http.getHeader("Mcp-Session-Id"), http.getRemotePort()));
                inner.service(req, res);
            }

            @Override
            public void destroy() {
                inner.destroy();
            }
        };
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

        Builder(String name) { this.name = name; }

        /** A tool answering with one text, computed from the arguments. */
        public Builder tool(String toolName, java.util.function.Function<Map<String, Object>, String> body) {
            tools.add(textTool(toolName, body));
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
            Tomcat tomcat = serve(name, recording(transport, seen));
            return new FixtureServer(tomcat, server::close, server, tomcat.getConnector().getLocalPort(), seen);
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
        return new FixtureServer(tomcat, server::close, null, tomcat.getConnector().getLocalPort(), List.of());
    }

    private static Tomcat serve(String name, jakarta.servlet.Servlet servlet) throws Exception {
        return serve(name, servlet, 0);
    }

    /** An embedded Tomcat on 127.0.0.1 ({@code port} 0: a free one) with the servlet at /mcp. */
    public static Tomcat serve(String name, jakarta.servlet.Servlet servlet, int port) throws Exception {
        Path base = Files.createTempDirectory("fixture-" + name);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context ctx = tomcat.addContext("", base.toString());
        Wrapper w = Tomcat.addServlet(ctx, "mcp", servlet);
        w.setAsyncSupported(true); // SSE answers use request.startAsync()
        ctx.addServletMappingDecoded("/mcp", "mcp");
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
