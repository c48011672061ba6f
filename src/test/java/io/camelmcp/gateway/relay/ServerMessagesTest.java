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

    @Test
    void aProgressTokenGoesUpstreamInsideTheGatewaysTokenAndComesBackOnlyFromItsServer() throws Exception {
        var stores = new io.camelmcp.gateway.session.RelayStores(new io.camelmcp.gateway.session.InMemoryExpiringStore<>(),
                new io.camelmcp.gateway.session.InMemoryExpiringStore<>(), new io.camelmcp.gateway.session.InMemoryExpiringStore<>(),
                new io.camelmcp.gateway.session.InMemoryExpiringStore<>());
        ServerMessages messages = new ServerMessages(null, new io.camelmcp.gateway.registry.ServerRegistry(), stores,
                new io.camelmcp.gateway.protocol.JsonRpc(JSON, 1 << 20), java.time.Duration.ofMinutes(1),
                new io.camelmcp.gateway.session.LocalReplicaBus(JSON));
        for (String token : new String[] {"7", "\"abc\"", "-1.5e3", "\"gw-pt-looks.like\""}) {
            String upstream = messages.progressToken("everything-a", j(token));
            assertThat(upstream).startsWith("gw-pt-");
            // whichever replica reads the progress maps it back: nothing to look up
            assertThat(messages.clientToken("everything-a", com.fasterxml.jackson.databind.node.TextNode.valueOf(upstream)))
                    .isEqualTo(j(token));
            // another server cannot report progress under it
            assertThat(messages.clientToken("everything-b", com.fasterxml.jackson.databind.node.TextNode.valueOf(upstream))).isNull();
        }
        assertThat(messages.clientToken("everything-a", j("\"gw-pt-!!.??\""))).isNull();
        assertThat(messages.clientToken("everything-a", j("\"gw-pt-nodot\""))).isNull();
        assertThat(messages.clientToken("everything-a", j("\"client-token\""))).isNull();
        assertThat(messages.clientToken("everything-a", j("12"))).isNull();
    }
}
