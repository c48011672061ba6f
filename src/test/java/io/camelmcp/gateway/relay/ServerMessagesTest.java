package io.camelmcp.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Which server requests a client can take, from what it declared at initialize. */
class ServerMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode j(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void serverRequestsNeedTheMatchingClientCapability() throws Exception {
        JsonNode none = j("{}");
        assertThat(ServerMessages.unsupported(none, "ping", j("{}"))).isNull();
        assertThat(ServerMessages.unsupported(none, "roots/list", j("{}"))).contains("roots");
        assertThat(ServerMessages.unsupported(none, "sampling/createMessage", j("{}"))).contains("sampling");
        assertThat(ServerMessages.unsupported(none, "elicitation/create", j("{}"))).contains("elicitation");
        assertThat(ServerMessages.unsupported(none, "something/else", j("{}"))).contains("does not relay");

        JsonNode legacy = j("{\"elicitation\":{},\"sampling\":{},\"roots\":{}}");
        assertThat(ServerMessages.unsupported(legacy, "elicitation/create", j("{\"message\":\"m\"}"))).isNull();
        assertThat(ServerMessages.unsupported(legacy, "elicitation/create", j("{\"mode\":\"url\"}"))).startsWith("mode");
        assertThat(ServerMessages.unsupported(legacy, "sampling/createMessage", j("{\"tools\":[]}"))).startsWith("mode");
        assertThat(ServerMessages.unsupported(legacy, "roots/list", j("{}"))).isNull();

        JsonNode urlOnly = j("{\"elicitation\":{\"url\":{}}}");
        assertThat(ServerMessages.unsupported(urlOnly, "elicitation/create", j("{\"mode\":\"url\"}"))).isNull();
        assertThat(ServerMessages.unsupported(urlOnly, "elicitation/create", j("{\"mode\":\"form\"}"))).startsWith("mode");
    }
}
