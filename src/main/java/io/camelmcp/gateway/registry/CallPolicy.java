package io.camelmcp.gateway.registry;

import java.time.Duration;

/**
 * How calls to one server are bounded: its circuit breaker's thresholds, its bulkhead and its timeouts. A
 * registration's own policy holds only what it sets (null: the gateway's default, {@code mcp.gateway.upstream.*});
 * {@link #orElse} fills the rest from the defaults.
 *
 * @param failureRateThreshold  percentage of failed calls, among the last {@code slidingWindowSize}, that opens the breaker
 * @param slowCallRateThreshold percentage of calls slower than {@code slowCallDuration} that opens it
 * @param slowCallDuration      a call that takes longer counts as slow
 * @param minimumNumberOfCalls  calls in the window before the rates count
 * @param slidingWindowSize     how many of the latest calls the rates are taken over
 * @param waitInOpenState       how long an open breaker refuses calls before it lets a few through (half-open)
 * @param halfOpenCalls         calls let through half-open, whose outcome closes or re-opens the breaker
 * @param maxConcurrentCalls    calls waiting for this server's answer at once (the bulkhead); more are refused at once
 * @param connectTimeout        TCP (and TLS) connect
 * @param requestTimeout        until the answer starts, and between progress notifications of a streamed answer
 * @param maxRequestDuration    a whole call, however much progress it reports
 */
public record CallPolicy(Float failureRateThreshold, Float slowCallRateThreshold, Duration slowCallDuration,
                         Integer minimumNumberOfCalls, Integer slidingWindowSize, Duration waitInOpenState,
                         Integer halfOpenCalls, Integer maxConcurrentCalls, Duration connectTimeout,
                         Duration requestTimeout, Duration maxRequestDuration) {

    /** Nothing set: every value the gateway's default. */
    public static final CallPolicy DEFAULTS = new CallPolicy(null, null, null, null, null, null, null, null, null, null, null);

    public CallPolicy {
        if (failureRateThreshold != null && (failureRateThreshold <= 0 || failureRateThreshold > 100)) {
            throw new IllegalArgumentException("failure-rate-threshold must be a percentage above 0, at most 100");
        }
        if (slowCallRateThreshold != null && (slowCallRateThreshold <= 0 || slowCallRateThreshold > 100)) {
            throw new IllegalArgumentException("slow-call-rate-threshold must be a percentage above 0, at most 100");
        }
        // the breaker keeps its whole window from the start: sizes within reason
        range(minimumNumberOfCalls, MAX_WINDOW, "minimum-number-of-calls");
        range(slidingWindowSize, MAX_WINDOW, "sliding-window-size");
        range(halfOpenCalls, MAX_WINDOW, "half-open-calls");
        range(maxConcurrentCalls, MAX_CONCURRENT_CALLS, "max-concurrent-calls");
        positive(slowCallDuration, "slow-call-duration");
        positive(waitInOpenState, "wait-in-open-state");
        if (waitInOpenState != null && waitInOpenState.toMillis() < 1) {
            throw new IllegalArgumentException("wait-in-open-state must be at least 1ms");
        }
        positive(connectTimeout, "connect-timeout");
        positive(requestTimeout, "request-timeout");
        positive(maxRequestDuration, "max-request-duration");
    }

    /** This policy with every value it leaves unset taken from {@code defaults}. */
    public CallPolicy orElse(CallPolicy defaults) {
        return new CallPolicy(
                or(failureRateThreshold, defaults.failureRateThreshold), or(slowCallRateThreshold, defaults.slowCallRateThreshold),
                or(slowCallDuration, defaults.slowCallDuration), or(minimumNumberOfCalls, defaults.minimumNumberOfCalls),
                or(slidingWindowSize, defaults.slidingWindowSize), or(waitInOpenState, defaults.waitInOpenState),
                or(halfOpenCalls, defaults.halfOpenCalls), or(maxConcurrentCalls, defaults.maxConcurrentCalls),
                or(connectTimeout, defaults.connectTimeout), or(requestTimeout, defaults.requestTimeout),
                or(maxRequestDuration, defaults.maxRequestDuration));
    }

    /** Whether this policy sets no timeout of its own (the gateway's apply). */
    public boolean defaultTimeouts() {
        return connectTimeout == null && requestTimeout == null && maxRequestDuration == null;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** The largest sliding window, minimum of calls and half-open trials a breaker may have. */
    public static final int MAX_WINDOW = 10_000;
    /** The largest bulkhead. */
    public static final int MAX_CONCURRENT_CALLS = 1_000_000;

    private static void range(Integer value, int max, String name) {
        if (value != null && (value < 1 || value > max)) {
            throw new IllegalArgumentException(name + " must be at least 1 and at most " + max);
        }
    }

    private static void positive(Duration value, String name) {
        if (value != null && (value.isZero() || value.isNegative())) {
            throw new IllegalArgumentException(name + " must be a positive duration");
        }
    }
}
