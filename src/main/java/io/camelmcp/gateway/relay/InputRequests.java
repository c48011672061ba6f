package io.camelmcp.gateway.relay;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.PendingRequest;
import io.camelmcp.gateway.session.RelayStores;
import io.camelmcp.gateway.session.ReplicaBus;
import io.camelmcp.gateway.session.ReplicaMessage;
import io.camelmcp.gateway.session.ServerRequestKey;

/**
 * The inputs a modern (2026-07-28) server asked for in an InputRequiredResult, sent to a 2025 client as server
 * requests, while the call that needs them waits on this replica to retry (see {@link InputRequiredRelay}).
 *
 * <p>Each input is a pending server request in the shared store ({@link RelayStores#pendingRequests}, under an
 * unguessable gateway id, in the client's session), marked as awaited by this replica
 * ({@link PendingRequest#awaitedInput}). The client's answer (a JSON-RPC response POSTed to /mcp) may reach any
 * replica: {@link ServerMessages#deliverResponse} takes the entry from the store, as for any server request (so an
 * answer from another session, or a second answer, finds nothing), and hands it here. The waiting replica completes
 * the call's future itself; any other one sends the answer over the {@link ReplicaBus} to the replica named in the
 * entry. The wait itself (a future) lives with the call, which holds the client's SSE stream on this replica anyway;
 * a bus message lost in a Redis outage leaves the call to its timeout.
 */
public class InputRequests {

    private static final Logger LOG = LoggerFactory.getLogger(InputRequests.class);

    private final RelayStores stores;
    private final ReplicaBus bus;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();
    /** The answers this replica waits for, by gateway id. */
    private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();

    public InputRequests(RelayStores stores, ReplicaBus bus, Duration ttl) {
        this.stores = stores;
        this.bus = bus;
        this.ttl = ttl;
        bus.subscribe(this::onReplicaMessage);
    }

    /** One input asked of the client: the id it goes out under, and its answer (the client's JSON-RPC response). */
    public record Asked(String gatewayId, CompletableFuture<JsonNode> answer) {}

    /** Records an input the client is about to be asked for (the request itself goes on the call's stream). */
    public Asked ask(ClientContext gs, String server, String key, String method) {
        String gatewayId = "gw-in-" + randomId();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        waiting.put(gatewayId, answer);
        stores.pendingRequests().put(new ServerRequestKey(gs.sessionId(), gatewayId),
                PendingRequest.awaitedInput(gs.sessionId(), server, bus.replica(), key, method), ttl);
        return new Asked(gatewayId, answer);
    }

    /** The call stopped waiting (done, failed, the client left): its inputs are forgotten. */
    public void abandon(ClientContext gs, Asked asked) {
        waiting.remove(asked.gatewayId());
        stores.pendingRequests().remove(new ServerRequestKey(gs.sessionId(), asked.gatewayId()));
    }

    /** A client's answer to an awaited input, taken from the store by whichever replica it reached. */
    void answered(PendingRequest ref, String gatewayId, JsonNode response) {
        CompletableFuture<JsonNode> here = waiting.remove(gatewayId);
        if (here != null) {
            here.complete(response);
            return;
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("id", gatewayId);
        data.set("response", response);
        bus.publish(new ReplicaMessage(ReplicaMessage.INPUT_ANSWERED, bus.replica(), ref.sessionId(), ref.server(), data));
    }

    private void onReplicaMessage(ReplicaMessage m) {
        if (ReplicaMessage.INPUT_ANSWERED.equals(m.type()) && m.data() != null) {
            CompletableFuture<JsonNode> f = waiting.remove(m.data().path("id").asText());
            if (f != null) {
                LOG.debug("Answer to input {} came through another replica", m.data().path("id").asText());
                f.complete(m.data().get("response"));
            }
        }
    }

    private String randomId() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
