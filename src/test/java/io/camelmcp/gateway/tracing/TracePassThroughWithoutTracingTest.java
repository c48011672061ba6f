package io.camelmcp.gateway.tracing;

import org.springframework.test.context.TestPropertySource;

/**
 * The same with Spring Boot's tracing switched off altogether ({@code management.tracing.enabled=false}, which also
 * turns its propagation off): the client's context still reaches the server unchanged.
 */
@TestPropertySource(properties = "management.tracing.enabled=false")
class TracePassThroughWithoutTracingTest extends TracePassThroughTest {
}
