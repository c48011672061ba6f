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
    void aProgressTokenGoesUpstreamInsideTheGatewaysTokenAndComesBackOnlyFromItsServerInItsSession() throws Exception {
        var stores = new io.camelmcp.gateway.session.RelayStores(new io.camelmcp.gateway.session.InMemoryExpiringStore<>(),
                new io.camelmcp.gateway.session.InMemoryExpiringStore<>(), new io.camelmcp.gateway.session.InMemoryExpiringStore<>(),
                new io.camelmcp.gateway.session.InMemoryExpiringStore<>());
        ServerMessages messages = new ServerMessages(null, new io.camelmcp.gateway.registry.ServerRegistry(), stores,
                new io.camelmcp.gateway.protocol.JsonRpc(JSON, 1 << 20), java.time.Duration.ofMinutes(1),
                new io.camelmcp.gateway.session.LocalReplicaBus(JSON));
        for (String token : new String[] {"7", "\"abc\"", "-1.5e3", "\"gw-pt-looks.like\""}) {
            var upstream = com.fasterxml.jackson.databind.node.TextNode.valueOf(messages.progressToken("s1", "everything-a", j(token)));
            assertThat(upstream.textValue()).startsWith("gw-pt-");
            // whichever replica reads the progress maps it back: nothing to look up
            assertThat(messages.clientToken("s1", "everything-a", upstream)).isEqualTo(j(token));
            // another server cannot report progress under it, nor can it be used in another session
            assertThat(messages.clientToken("s1", "everything-b", upstream)).isNull();
            assertThat(messages.clientToken("s2", "everything-a", upstream)).isNull();
        }
        // a server cannot make up a token for one of the client's other requests: it does not know the MAC's key
        String[] parts = messages.progressToken("s1", "everything-a", j("7")).split("\\.");
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("8".getBytes()) + "." + parts[2];
        assertThat(messages.clientToken("s1", "everything-a", com.fasterxml.jackson.databind.node.TextNode.valueOf(forged))).isNull();
        assertThat(messages.clientToken("s1", "everything-a", j("\"gw-pt-!!.??.!!\""))).isNull();
        assertThat(messages.clientToken("s1", "everything-a", j("\"gw-pt-nodot\""))).isNull();
        assertThat(messages.clientToken("s1", "everything-a", j("\"client-token\""))).isNull();
        assertThat(messages.clientToken("s1", "everything-a", j("12"))).isNull();
    }
}
