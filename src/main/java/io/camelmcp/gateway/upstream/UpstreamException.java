package io.camelmcp.gateway.upstream;

/** An upstream could not be reached or answered outside the protocol. */
public class UpstreamException extends Exception {

    private final String server;
    private final int httpStatus;
    private final boolean timeout;
    /** Set when the server refused for a bound the gateway keeps (a stdio server's processes): that bound. */
    private int busyMax;

    public UpstreamException(String server, String message, int httpStatus, Throwable cause) {
        this(server, message, httpStatus, cause, false);
    }

    private UpstreamException(String server, String message, int httpStatus, Throwable cause, boolean timeout) {
        super(message, cause);
        this.server = server;
        this.httpStatus = httpStatus;
        this.timeout = timeout;
    }

    /** The upstream did not answer within {@code message}'s time. */
    public static UpstreamException timeout(String server, String message, Throwable cause) {
        return new UpstreamException(server, message, 0, cause, true);
    }

    /**
     * The gateway's own bound on the server is reached (a stdio server runs its {@code max-processes}): not a fault of
     * the server, nothing to re-probe or to count against its breaker.
     */
    public static UpstreamException busy(String server, String message, int max) {
        UpstreamException e = new UpstreamException(server, message, 0, null, false);
        e.busyMax = max;
        return e;
    }

    /** The bound reached when this is a {@link #busy} refusal, else 0. */
    public int busyMax() { return busyMax; }

    public String server() { return server; }

    /** The upstream did not answer in time (as opposed to refusing or failing). */
    public boolean isTimeout() {
        return timeout;
    }

    /** The upstream's HTTP status, or 0 when there was no HTTP answer. */
    public int httpStatus() { return httpStatus; }
}
