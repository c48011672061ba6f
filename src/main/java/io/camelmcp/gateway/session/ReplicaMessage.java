package io.camelmcp.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One message between replicas, written as JSON.
 *
 * @param type      {@link #ENDED}, {@link #STREAM}, {@link #OPENED} or {@link #CANCELLED}
 * @param from      the replica that sent it
 * @param sessionId the gateway session it is about
 * @param server    the upstream server it is about, or null
 * @param data      what else it carries (a client's notifications/cancelled), or null
 */
public record ReplicaMessage(String type, String from, String sessionId, String server, JsonNode data) {

    /** The session ended (DELETE or idle): every replica ends its streams of it. */
    public static final String ENDED = "ended";
    /** The client opened its GET stream on {@code from}: the others close theirs and their upstream streams. */
    public static final String STREAM = "stream";
    /** An upstream session with {@code server} was opened: the replica holding the client's GET stream listens to it. */
    public static final String OPENED = "opened";
    /** A client's notifications/cancelled ({@code data}) for a request no replica it reached knows it runs. */
    public static final String CANCELLED = "cancelled";

    public boolean isFrom(String replica) {
        return replica.equals(from);
    }
}
