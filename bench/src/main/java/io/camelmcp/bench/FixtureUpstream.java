package io.camelmcp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/**
 * A fast MCP upstream for benchmarks: {@code count} MCP servers (official MCP Java SDK, Streamable HTTP servlet
 * transport) on one embedded Tomcat bound to 127.0.0.1, server {@code i} at {@code /s<i>/mcp}. Each has 10 tools:
 * {@code add} {a,b} answering {@code a+b} at once, {@code progress} (one progress notification, then the
 * answer 20 ms later) and {@code tool2..tool9} answering "ok".
 *
 * <p>Usage: {@code java -cp ... io.camelmcp.bench.FixtureUpstream <port|0> <count> [latencyMs]}; prints
 * {@code READY port=<port> servers=<count>} on stdout when serving. With {@code latencyMs}, every POST waits that
 * long before it is handled: a server on the other side of a network, whose time is not spent on this machine's
 * cores.
 */
public final class FixtureUpstream {

    public static final int TOOLS_PER_SERVER = 10;

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long latencyMs = args.length > 2 ? Long.parseLong(args[2]) : 0;

        Path base = Files.createTempDirectory("bench-fixture");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxKeepAliveRequests", "-1");
        connector.setProperty("maxThreads", "400");
        connector.setProperty("maxConnections", "10000");
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", base.toString());

        List<McpSyncServer> servers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String path = "/s" + i + "/mcp";
            HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(McpJsonDefaults.getMapper())
                    .mcpEndpoint(path)
                    .build();
            servers.add(McpServer.sync(transport)
                    .serverInfo("fixture-" + i, "1.0.0")
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                    .tools(tools())
                    .build());
            Wrapper w = Tomcat.addServlet(ctx, "mcp" + i, latencyMs > 0 ? delayed(transport, latencyMs) : transport);
            w.setAsyncSupported(true); // SSE answers use request.startAsync()
            ctx.addServletMappingDecoded(path, "mcp" + i);
        }
        tomcat.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            servers.forEach(s -> {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // best effort
                }
            });
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception ignored) {
                // best effort
            }
        }));
        System.out.println("READY port=" + tomcat.getConnector().getLocalPort() + " servers=" + count);
        System.out.flush();
        tomcat.getServer().await();
    }

    private static List<SyncToolSpecification> tools() {
        List<SyncToolSpecification> tools = new ArrayList<>();
        tools.add(SyncToolSpecification.builder()
                .tool(Tool.builder().name("add").description("Adds two numbers")
                        .inputSchema(McpJsonDefaults.getMapper(),
                                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"}},\"required\":[\"a\",\"b\"]}")
                        .build())
                .callHandler((ex, req) -> {
                    Map<String, Object> a = req.arguments() == null ? Map.of() : req.arguments();
                    double sum = num(a.get("a")) + num(a.get("b"));
                    String text = sum == Math.rint(sum) ? Long.toString((long) sum) : Double.toString(sum);
                    return CallToolResult.builder().addTextContent(text).build();
                })
                .build());
        // reports progress at once, answers 20 ms later: what time-to-first-event is measured with
        tools.add(SyncToolSpecification.builder()
                .tool(Tool.builder().name("progress").description("Reports progress, then answers")
                        .inputSchema(McpJsonDefaults.getMapper(), "{\"type\":\"object\"}").build())
                .callHandler((ex, req) -> {
                    if (req.progressToken() != null) {
                        ex.progressNotification(new McpSchema.ProgressNotification(req.progressToken(), 0, 1.0, "started"));
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return CallToolResult.builder().addTextContent("done").build();
                })
                .build());
        for (int t = 2; t < TOOLS_PER_SERVER; t++) {
            String name = "tool" + t;
            tools.add(SyncToolSpecification.builder()
                    .tool(Tool.builder().name(name).description("Filler tool " + t)
                            .inputSchema(McpJsonDefaults.getMapper(), "{\"type\":\"object\"}").build())
                    .callHandler((ex, req) -> CallToolResult.builder().addTextContent("ok").build())
                    .build());
        }
        return tools;
    }

    /** {@code inner}, with every POST held {@code ms} first (on the request's own thread). */
    private static jakarta.servlet.http.HttpServlet delayed(jakarta.servlet.http.HttpServlet inner, long ms) {
        return new jakarta.servlet.http.HttpServlet() {
            @Override
            public void init(jakarta.servlet.ServletConfig config) throws jakarta.servlet.ServletException {
                super.init(config);
                inner.init(config);
            }

            @Override
            protected void service(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res)
                    throws jakarta.servlet.ServletException, java.io.IOException {
                if ("POST".equals(req.getMethod())) {
                    try {
                        Thread.sleep(ms);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                inner.service(req, res);
            }

            @Override
            public void destroy() {
                inner.destroy();
            }
        };
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : o == null ? 0 : Double.parseDouble(o.toString());
    }

    private FixtureUpstream() {
    }
}
