package io.camelmcp.gateway.session;

/**
 * The expiring state of the relay between clients and servers, one typed store each (configuration picks
 * their implementation once): pending server requests by the gateway's id and by the upstream's, the server
 * that runs each client request (for cancellation; kept where the request runs), the server that owns each task.
 * Progress tokens need no store: the gateway's token carries the client's own.
 */
public record RelayStores(ExpiringStore<ServerRequestKey, PendingRequest> pendingRequests,
                          ExpiringStore<UpstreamRequestKey, String> gatewayIds,
                          ExpiringStore<ClientRequestKey, String> runningOn,
                          ExpiringStore<TaskKey, String> taskOwners) {

    /** Run by the id-expiry timer route: ids and tokens nobody answered or finished. */
    public int purgeExpired() {
        return pendingRequests.purgeExpired() + gatewayIds.purgeExpired() + runningOn.purgeExpired() + taskOwners.purgeExpired();
    }
}
