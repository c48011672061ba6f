package io.camelmcp.gateway.demo;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/**
 * Two small MCP servers (built with the official MCP Java SDK) served by the gateway's own web server,
 * so that a fresh checkout shows federation with nothing else installed. On by default; switch off with
 * {@code mcp.gateway.demo.enabled=false}. They are registered as the "demo" source once the port is known.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mcp.gateway.demo.enabled", havingValue = "true")
public class DemoServers {

    public static final String SOURCE = "demo";

    @Bean
    HttpServletStreamableServerTransportProvider clockTransport() {
        return transport("/demo/clock/mcp");
    }

    @Bean
    HttpServletStreamableServerTransportProvider calculatorTransport() {
        return transport("/demo/calculator/mcp");
    }

    @Bean(destroyMethod = "close")
    McpSyncServer clockServer(HttpServletStreamableServerTransportProvider clockTransport) {
        return McpServer.sync(clockTransport)
                .serverInfo("demo-clock", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(
                        tool("now", "Current date and time in a time zone (IANA name, default UTC)",
                                "{\"type\":\"object\",\"properties\":{\"timezone\":{\"type\":\"string\"}}}",
                                (ex, args) -> ZonedDateTime.now(zone(args.get("timezone")))
                                        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)),
                        tool("days-between", "Days from one ISO date (yyyy-mm-dd) to another",
                                "{\"type\":\"object\",\"properties\":{\"from\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"}},\"required\":[\"from\",\"to\"]}",
                                (ex, args) -> Long.toString(ChronoUnit.DAYS.between(
                                        LocalDate.parse(String.valueOf(args.get("from"))),
                                        LocalDate.parse(String.valueOf(args.get("to")))))))
                .build();
    }

    @Bean(destroyMethod = "close")
    McpSyncServer calculatorServer(HttpServletStreamableServerTransportProvider calculatorTransport) {
        String ab = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"}},\"required\":[\"a\",\"b\"]}";
        return McpServer.sync(calculatorTransport)
                .serverInfo("demo-calculator", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(
                        tool("add", "a + b", ab, (ex, args) -> format(num(args, "a") + num(args, "b"))),
                        tool("multiply", "a × b", ab, (ex, args) -> format(num(args, "a") * num(args, "b"))),
                        tool("divide", "a ÷ b", ab, (ex, args) -> {
                            if (num(args, "b") == 0) {
                                throw new IllegalArgumentException("division by zero");
                            }
                            return format(num(args, "a") / num(args, "b"));
                        }))
                .build();
    }

    @Bean
    ServletRegistrationBean<HttpServletStreamableServerTransportProvider> clockServlet(
            HttpServletStreamableServerTransportProvider clockTransport) {
        return servlet("demo-clock", clockTransport, "/demo/clock/mcp");
    }

    @Bean
    ServletRegistrationBean<HttpServletStreamableServerTransportProvider> calculatorServlet(
            HttpServletStreamableServerTransportProvider calculatorTransport) {
        return servlet("demo-calculator", calculatorTransport, "/demo/calculator/mcp");
    }

    /**
     * Ends the demo servers' sessions (and the SSE streams open on them) before the web server drains on
     * shutdown; otherwise an idle stream keeps the graceful shutdown waiting for its whole timeout.
     */
    @Bean
    SmartLifecycle demoServersLifecycle(McpSyncServer clockServer, McpSyncServer calculatorServer) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override public void start() { running = true; }
            @Override public void stop() {
                running = false;
                clockServer.closeGracefully();
                calculatorServer.closeGracefully();
            }
            @Override public boolean isRunning() { return running; }
            @Override public int getPhase() { return Integer.MAX_VALUE - 1; }
        };
    }

    /** Registers both demo servers once the web server knows its port (which may be random). */
    @Bean
    ApplicationListener<WebServerInitializedEvent> demoRegistration(ServerRegistry registry) {
        return event -> {
            int port = event.getWebServer().getPort();
            String base = "http://127.0.0.1:" + port + "/demo/";
            registry.reconcile(SOURCE, List.of(
                    new ServerRegistration("clock", java.net.URI.create(base + "clock/mcp"), "clock_", Map.of(), SOURCE),
                    new ServerRegistration("calculator", java.net.URI.create(base + "calculator/mcp"), "calc_", Map.of(), SOURCE)));
        };
    }

    private static HttpServletStreamableServerTransportProvider transport(String endpoint) {
        return HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper())
                .mcpEndpoint(endpoint)
                .build();
    }

    private static ServletRegistrationBean<HttpServletStreamableServerTransportProvider> servlet(
            String name, HttpServletStreamableServerTransportProvider transport, String path) {
        ServletRegistrationBean<HttpServletStreamableServerTransportProvider> reg = new ServletRegistrationBean<>(transport, path);
        reg.setName(name);
        reg.setAsyncSupported(true); // the SDK answers with SSE through request.startAsync()
        return reg;
    }

    private static SyncToolSpecification tool(String name, String description, String schema,
                                              BiFunction<Object, Map<String, Object>, String> body) {
        Tool tool = Tool.builder().name(name).description(description)
                .inputSchema(McpJsonDefaults.getMapper(), schema).build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, request) -> {
                    try {
                        Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
                        return CallToolResult.builder().addTextContent(body.apply(exchange, args)).build();
                    } catch (RuntimeException e) {
                        return CallToolResult.builder().addTextContent("error: " + e.getMessage()).isError(true).build();
                    }
                })
                .build();
    }

    private static ZoneId zone(Object name) {
        return name == null || name.toString().isBlank() ? ZoneId.of("UTC") : ZoneId.of(name.toString());
    }

    private static double num(Map<String, Object> args, String key) {
        Object v = args.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("'" + key + "' must be a number");
    }

    private static String format(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
