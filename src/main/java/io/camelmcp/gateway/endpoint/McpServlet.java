package io.camelmcp.gateway.endpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.http.common.CamelServlet;
import org.apache.camel.http.common.HttpConsumer;
import org.apache.camel.http.common.HttpRegistry;
import org.apache.camel.http.common.ServletResolveConsumerStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.upstream.EventChunks;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The servlet behind {@code /mcp}: Camel's own, so the {@code servlet:} consumer of mcp-endpoint.yaml runs the
 * route on the request's (virtual) thread. platform-http on Spring Boot went through Spring MVC, an async
 * hand-off to another thread and an async re-dispatch for every request: a third of the gateway's CPU.
 * It is connected to its consumer through a registry of this application's own (Camel's default one is
 * JVM-wide, keyed by servlet name), so two gateways in one JVM never share a consumer.
 */
public class McpServlet extends CamelServlet {

    private static final Logger LOG = LoggerFactory.getLogger(McpServlet.class);

    /**
     * When the request came in (System.nanoTime), as a request attribute and then an exchange property: a bean that
     * returns its answer makes Camel replace the exchange's HTTP message, so the request is not reachable at the end.
     */
    static final String START = McpServlet.class.getName() + ".start";
    /** The path of the endpoint route's consumer, {@code servlet:/mcp}. */
    public static final String PATH = "/mcp";
    /** The servlet's mapping for virtual servers' own endpoints, /v/{name}/mcp: served by the same route. */
    public static final String VIRTUAL_SERVERS_MAPPING = "/v/*";
    private final McpRequestMetrics metrics;
    private final io.camelmcp.gateway.tracing.McpTracing tracing;

    public McpServlet(HttpRegistry registry, McpRequestMetrics metrics, io.camelmcp.gateway.tracing.McpTracing tracing) {
        this.metrics = metrics;
        this.tracing = tracing;
        registry.register(this);
    }

    /** The answer while no started route consumes /mcp: starting up, or its route file being reloaded. */
    private static final byte[] NOT_READY = ("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + ErrorCodes.TRANSPORT_ERROR
            + ",\"message\":\"Service Unavailable: the MCP endpoint's route is not started yet; retry shortly\"}}")
            .getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
        if (consumer(getConsumers()) == null) {
            // the port opens before Camel starts its routes: a client that comes early gets a precise, retryable
            // answer instead of the servlet's 404/405 rendered as Spring's HTML or JSON error page
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", "1");
            response.setContentType("application/json");
            response.setContentLength(NOT_READY.length);
            try {
                response.getOutputStream().write(NOT_READY);
            } catch (IOException e) {
                LOG.debug("Client gone while told to retry: {}", e.toString());
            }
            return;
        }
        request.setAttribute(START, System.nanoTime());
        super.service(request, response);
    }

    /**
     * The started consumer of this servlet's path ({@code servlet:/mcp}). Camel's servlet component connects every
     * {@code servlet:} consumer of the application to this servlet's registry; only the one for /mcp may take
     * /mcp traffic (a second {@code servlet:} route must not receive it).
     */
    private HttpConsumer consumer(Map<String, HttpConsumer> consumers) {
        for (HttpConsumer c : consumers.values()) {
            if (PATH.equals(c.getPath()) && c.isStarted() && !c.isSuspended()) {
                return c;
            }
        }
        return null;
    }

    /**
     * Writes the answer. A client that went away meanwhile (it closed its stream, gave up on a call) is normal:
     * logged at debug, where Camel's servlet would log an error with its stack trace and a warning.
     */
    @Override
    protected void afterProcess(HttpServletResponse response, HttpConsumer consumer, Exchange exchange, boolean rethrow)
            throws Exception {
        // an SSE answer is written until its stream ends: it is open that long (mcp.gateway.streams.active)
        AtomicInteger open = exchange.getMessage().getBody() instanceof EventChunks ? metrics.streams(method(exchange)) : null;
        if (open != null) {
            open.incrementAndGet();
        }
        try {
            consumer.getBinding().writeResponse(exchange, response);
        } catch (IOException e) {
            LOG.debug("Client gone while its answer was written: {}", e.toString());
        } finally {
            if (open != null) {
                open.decrementAndGet();
            }
            record(exchange, response);
            try {
                tracing.end(exchange, response.getStatus()); // the request's span, once its answer is written
            } catch (RuntimeException e) {
                LOG.warn("Ending the request's trace span failed: {}", e.toString()); // the exchange is released still
            }
            consumer.doneUoW(exchange);
            consumer.releaseExchange(exchange, false);
        }
    }

    private void record(Exchange exchange, HttpServletResponse response) {
        Object start = exchange.getProperty(START);
        if (start instanceof Long nanos) {
            metrics.record(method(exchange), response.getStatus(), nanos);
        }
    }

    /** What mcp.requests calls a request: its MCP method, "response", "batch", or the HTTP method without a message. */
    private static String method(Exchange exchange) {
        String kind = exchange.getProperty(McpExchange.KIND, String.class);
        return "RESPONSE".equals(kind) ? "response" : "BATCH".equals(kind) ? "batch"
                : kind != null ? exchange.getProperty(McpExchange.METHOD, String.class)
                : exchange.getProperty(McpExchange.HTTP_METHOD, String.class);
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        // mapped to exactly /mcp (and /v/*, virtual servers' endpoints): the one consumer of /mcp takes both
        setServletResolveConsumerStrategy(new ServletResolveConsumerStrategy() {
            @Override
            public HttpConsumer resolve(HttpServletRequest request, Map<String, HttpConsumer> consumers) {
                return consumer(consumers);
            }

            @Override
            public boolean isHttpMethodAllowed(HttpServletRequest request, String method, Map<String, HttpConsumer> consumers) {
                return true; // the route answers 405 itself, with an Allow header
            }
        });
    }
}
