package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.ClientDriver;

/**
 * Server-initiated flows through the gateway, driven by the official TypeScript SDK client against two
 * server-everything upstreams (prefixes a_ and b_).
 */
class ServerFlowsTest extends EverythingGatewayTest {

    private JsonNode run(String prefix, String scenario, Map<String, String> env) throws Exception {
        JsonNode r = ClientDriver.run(endpoint(), prefix, scenario, env);
        assertThat(r.path("ok").asBoolean()).as("%s: %s", scenario, r).isTrue();
        return r;
    }

    @Test
    void elicitationIsAcceptedDeclinedAndCancelledThroughTheGateway() throws Exception {
        JsonNode accepted = run("a_", "elicit", Map.of());
        // a client that supports elicitation, sampling and roots sees the tools servers offer only to such clients
        assertThat(accepted.path("tools").toString()).contains("a_trigger-elicitation-request", "b_trigger-sampling-request",
                "a_get-roots-list", "b_trigger-url-elicitation");
        assertThat(accepted.toString()).contains("driver-answer-1");
        assertThat(run("b_", "elicit", Map.of("ELICIT", "decline")).toString()).contains("declined");
        assertThat(run("a_", "elicit", Map.of("ELICIT", "cancel")).toString()).contains("cancelled");
    }

    @Test
    void urlElicitationAndTheUrlElicitationRequiredError() throws Exception {
        JsonNode r = run("b_", "url-elicit", Map.of());
        assertThat(r.toString()).contains("\"mode\":\"url\"").contains("-32042");
    }

    @Test
    void samplingIsRelayedToTheClient() throws Exception {
        assertThat(run("a_", "sample", Map.of()).toString()).contains("sampled: ");
    }

    @Test
    void rootsAreAskedOnTheGetStreamAndAnswered() throws Exception {
        assertThat(run("b_", "roots", Map.of()).toString()).contains("file:///tmp/driver-root");
    }

    @Test
    void progressArrivesAndACancellationStopsTheUpstreamWork() throws Exception {
        JsonNode progress = run("a_", "progress", Map.of());
        assertThat(progress.path("progress").size()).isEqualTo(4);
        JsonNode cancel = run("b_", "cancel", Map.of());
        assertThat(cancel.toString()).contains("cancelled after 2 progress");
        assertThat(cancel.path("elapsedMs").asLong()).isLessThan(6000);
    }

    @Test
    void loggingIsSetOnTheUpstreamsAndMessagesReachTheClient() throws Exception {
        JsonNode r = run("a_", "logging", Map.of());
        assertThat(r.path("logs").size()).isGreaterThan(0);
    }

    @Test
    void aTaskRunsThroughTheGateway() throws Exception {
        JsonNode r = run("b_", "task", Map.of());
        assertThat(r.toString()).contains("Research Report");
        assertThat(r.path("tasksListCount").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void twoConcurrentElicitationsFromTwoUpstreamsWithTheSameIdAreAnsweredCorrectly() throws Exception {
        JsonNode r = run("a_", "concurrent-elicit", Map.of("PREFIXES", "a_,b_"));
        assertThat(r.toString()).contains("driver-answer-1").contains("driver-answer-2");
    }
}
