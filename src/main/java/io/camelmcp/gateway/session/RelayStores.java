package io.camelmcp.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The expiring state of the relay between clients and servers, one typed store each (configuration picks
 * their implementation once): pending server requests by the gateway's id and by the upstream's, progress
 * tokens (the gateway's to the client's own), the server that runs each client request (for cancellation),
 * the server that owns each task.
 */
public record RelayStores(ExpiringStore<ServerRequestKey, PendingRequest> pendingRequests,
                          ExpiringStore<UpstreamRequestKey, String> gatewayIds,
                          ExpiringStore<String, JsonNode> progressTokens,
                          ExpiringStore<ClientRequestKey, String> runningOn,
                          ExpiringStore<TaskKey, String> taskOwners) {

    /** Run by the id-expiry timer route: ids and tokens nobody answered or finished. */
    public int purgeExpired() {
        return pendingRequests.purgeExpired() + gatewayIds.purgeExpired() + progressTokens.purgeExpired()
                + runningOn.purgeExpired() + taskOwners.purgeExpired();
    }
}
