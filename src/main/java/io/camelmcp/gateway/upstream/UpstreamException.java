package io.camelmcp.gateway.upstream;

/** An upstream could not be reached or answered outside the protocol. */
public class UpstreamException extends Exception {

    private final String server;
    private final int httpStatus;

    public UpstreamException(String server, String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.server = server;
        this.httpStatus = httpStatus;
    }

    public String server() { return server; }

    /** The upstream did not answer in time (as opposed to refusing or failing). */
    public boolean isTimeout() {
        return getCause() instanceof java.net.http.HttpTimeoutException
                && !(getCause() instanceof java.net.http.HttpConnectTimeoutException);
    }

    /** The upstream's HTTP status, or 0 when there was no HTTP answer. */
    public int httpStatus() { return httpStatus; }
}
