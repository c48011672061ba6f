package io.camelmcp.gateway.config;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.camelmcp.gateway.tracing.McpTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The MCP spans (forward.yaml, the /mcp servlet) on the OpenTelemetry SDK that Spring Boot configures: its sampler
 * ({@code management.tracing.sampling.probability}, parent-based), its propagation (W3C) and its exporters. They are
 * recorded only when a span exporter exists: {@code management.otlp.tracing.endpoint} set (off by default), or a
 * {@code SpanExporter} bean of the application's own. Otherwise contexts are only passed on.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

    @Bean
    McpTracing mcpTracing(ObjectProvider<OpenTelemetry> openTelemetry, ObjectProvider<SpanExporter> exporters) {
        OpenTelemetry otel = openTelemetry.getIfAvailable();
        if (otel == null) { // management.tracing.enabled=false: contexts passed on as W3C trace context
            return new McpTracing(null, W3CTraceContextPropagator.getInstance(), false);
        }
        return new McpTracing(otel.getTracer("io.camelmcp.gateway"), otel.getPropagators().getTextMapPropagator(),
                exporters.stream().findAny().isPresent());
    }
}
