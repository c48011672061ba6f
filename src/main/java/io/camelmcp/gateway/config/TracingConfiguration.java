package io.camelmcp.gateway.config;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.camelmcp.gateway.tracing.McpTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The MCP spans (forward.yaml, the /mcp servlet) on the OpenTelemetry SDK that Spring Boot configures: its sampler
 * ({@code management.tracing.sampling.probability}, parent-based) and its exporters; the W3C trace context. They are
 * recorded only when a span exporter exists: {@code management.otlp.tracing.endpoint} set (off by default), or a
 * {@code SpanExporter} bean of the application's own. Otherwise contexts are only passed on.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

    @Bean
    McpTracing mcpTracing(ObjectProvider<OpenTelemetry> openTelemetry, ObjectProvider<SpanExporter> exporters) {
        // W3C trace context and baggage, whatever Spring Boot's propagation (off with management.tracing.enabled=false)
        TextMapPropagator w3c = TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
                W3CBaggagePropagator.getInstance());
        OpenTelemetry otel = openTelemetry.getIfAvailable();
        if (otel == null) {
            return new McpTracing(null, w3c, false);
        }
        return new McpTracing(otel.getTracer("io.camelmcp.gateway"), w3c, exporters.stream().findAny().isPresent());
    }
}
