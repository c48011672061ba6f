package io.camelmcp.gateway.endpoint;

import java.util.Map;

import org.apache.camel.http.common.CamelServlet;
import org.apache.camel.http.common.HttpConsumer;
import org.apache.camel.http.common.HttpRegistry;
import org.apache.camel.http.common.ServletResolveConsumerStrategy;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The servlet behind {@code /mcp}: Camel's own, so the {@code servlet:} consumer of mcp-endpoint.yaml runs the
 * route on the request's (virtual) thread. platform-http on Spring Boot went through Spring MVC, an async
 * hand-off to another thread and an async re-dispatch for every request: a third of the gateway's CPU.
 * It is connected to its consumer through a registry of this application's own (Camel's default one is
 * JVM-wide, keyed by servlet name), so two gateways in one JVM never share a consumer.
 */
public class McpServlet extends CamelServlet {

    public McpServlet(HttpRegistry registry) {
        registry.register(this);
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        // mapped to exactly /mcp, where the path info Camel matches consumers on is empty; there is one consumer
        setServletResolveConsumerStrategy(new ServletResolveConsumerStrategy() {
            @Override
            public HttpConsumer resolve(HttpServletRequest request, Map<String, HttpConsumer> consumers) {
                return consumers.isEmpty() ? null : consumers.values().iterator().next();
            }

            @Override
            public boolean isHttpMethodAllowed(HttpServletRequest request, String method, Map<String, HttpConsumer> consumers) {
                return true; // the route answers 405 itself, with an Allow header
            }
        });
    }
}
