package io.camelmcp.gateway.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code mcp.gateway.upstream-tokens.*}: how the gateway gets and keeps the OAuth tokens of upstream servers whose
 * {@code auth.type} is {@code client-credentials} or {@code token-exchange} (see {@code security.UpstreamTokens}).
 */
@ConfigurationProperties(prefix = "mcp.gateway.upstream-tokens")
public class UpstreamTokensProperties {

    /** Connect and answer time of one token request. */
    private Duration timeout = Duration.ofSeconds(5);
    /** A token is replaced this long before it expires (at most a fifth of its lifetime before). */
    private Duration refreshBefore = Duration.ofSeconds(30);
    /** After a failed token request, calls to the server fail at once for this long instead of asking again. */
    private Duration failureBackoff = Duration.ofSeconds(2);
    /** The most exchanged tokens kept (one per client token and server). */
    private int exchangeCacheSize = 10_000;

    public Duration getTimeout() { return timeout; }
    public void setTimeout(Duration timeout) { this.timeout = timeout; }
    public Duration getRefreshBefore() { return refreshBefore; }
    public void setRefreshBefore(Duration refreshBefore) { this.refreshBefore = refreshBefore; }
    public Duration getFailureBackoff() { return failureBackoff; }
    public void setFailureBackoff(Duration failureBackoff) { this.failureBackoff = failureBackoff; }
    public int getExchangeCacheSize() { return exchangeCacheSize; }
    public void setExchangeCacheSize(int exchangeCacheSize) { this.exchangeCacheSize = exchangeCacheSize; }
}
