package io.camelmcp.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One message between replicas, written as JSON.
 *
 * @param type      {@link #ENDED}, {@link #STREAM}, {@link #OPENED}, {@link #CANCELLED}, {@link #INPUT_ANSWERED}, {@link #NOTIFY} or one
 *                  of a call's MRTR messages
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
    /**
     * A client's answer ({@code data}: {@code id}, the gateway's id, and {@code response}) to an input a modern
     * server asked for, taken on a replica other than the one waiting for it.
     */
    public static final String INPUT_ANSWERED = "input-answered";

    /**
     * A notification of the gateway's for one session ({@code data}: its method, e.g. notifications/tools/list_changed
     * after select_tools), sent where the session's GET stream is.
     */
    public static final String NOTIFY = "notify";

    /** A 2026-07-28 client's retry ({@code data}: call, token, clientId, inputResponses) of a call {@code server} runs... */
    public static final String RESUME = "resume";
    /** ...and what that call does next, for the replica holding the retry ({@code data}: token, message, last). */
    public static final String RESUMED = "resumed";
    /** The retry's client went away: the replica running the call cancels it ({@code data}: call, token). */
    public static final String RESUME_CANCELLED = "resume-cancelled";

    public boolean isFrom(String replica) {
        return replica.equals(from);
    }
}
