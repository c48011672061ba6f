package io.camelmcp.gateway.upstream;

/** An upstream could not be reached or answered outside the protocol. */
public class UpstreamException extends Exception {

    private final String server;
    private final int httpStatus;
    private final boolean timeout;

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

    public String server() { return server; }

    /** The upstream did not answer in time (as opposed to refusing or failing). */
    public boolean isTimeout() {
        return timeout;
    }

    /** The upstream's HTTP status, or 0 when there was no HTTP answer. */
    public int httpStatus() { return httpStatus; }
}
