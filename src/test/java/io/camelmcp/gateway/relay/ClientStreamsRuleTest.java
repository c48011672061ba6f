package io.camelmcp.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.UpstreamSession;

/** Which upstream sessions get a GET stream of their own while their client listens (the README's rule). */
class ClientStreamsRuleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void onlySessionsThatCanSendTheirClientSomethingOutsideARequestAreListenedTo() throws Exception {
        ClientContext plain = client("{}");
        ClientContext roots = client("{\"roots\":{\"listChanged\":true}}");
        // list changes: the catalogue's stream per server tells everyone
        assertThat(needs(plain, "{\"tools\":{\"listChanged\":true},\"prompts\":{\"listChanged\":true}}", true)).isFalse();
        // log messages: once the client asked for them
        assertThat(needs(plain, "{\"tools\":{},\"logging\":{}}", false)).isFalse();
        assertThat(needs(plain, "{\"tools\":{},\"logging\":{}}", true)).isTrue();
        // resource updates, task status: whenever the server declares them
        assertThat(needs(plain, "{\"resources\":{\"subscribe\":true}}", false)).isTrue();
        assertThat(needs(plain, "{\"resources\":{\"subscribe\":false,\"listChanged\":true}}", false)).isFalse();
        assertThat(needs(plain, "{\"tasks\":{\"list\":{}}}", false)).isTrue();
        // a client with roots: any server may ask for them
        assertThat(needs(roots, "{\"tools\":{}}", false)).isTrue();
        // no session id (a stateless or 2026-07-28 server): no GET stream to open
        assertThat(ClientStreams.needsStream(roots, new UpstreamSession("s", null, "2026-07-28",
                JSON.readTree("{\"logging\":{}}")), () -> true)).isFalse();
        assertThat(ClientStreams.needsStream(roots, null, () -> true)).isFalse();
    }

    private static boolean needs(ClientContext gs, String caps, boolean levelSet) throws Exception {
        JsonNode c = JSON.readTree(caps);
        return ClientStreams.needsStream(gs, new UpstreamSession("s", "u-1", "2025-11-25", c), () -> levelSet);
    }

    private static ClientContext client(String caps) throws Exception {
        return new ClientContext("g-1", "2025-11-25", JSON.readTree(caps), null, null, null);
    }
}
