package io.camelmcp.gateway.federation;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When the discovery service next looks at a server, and how. A ready server is health-checked every health interval
 * and read whole every refresh interval; one that is not ready is read again after a backoff: the retry interval,
 * doubled with each failure in a row up to the max retry interval, every delay ±20 % at random so that servers that
 * failed together (a network cut, a restarted node) are not all retried in the same tick. A success resets it.
 * Values only: the caller says what time it is.
 *
 * <p>Not resilience4j's {@code IntervalFunction}: it caps after the jitter, so every delay at the cap is exactly the cap
 * and servers that failed together stay in step; Spring's {@code ExponentialBackOff} (6.2) has no jitter at all.
 */
public final class ProbeSchedule {

    /** How far each delay may stray from its nominal value, either way. */
    public static final double JITTER = 0.2;

    /**
     * One server's plan: when it is next due ({@link Instant#MAX} while it is being looked at), when its lists are due
     * for a full read (null: at the next look), and how many looks failed in a row.
     */
    public record Plan(Instant due, Instant readAt, int failures) {

        /** A server never looked at: due at once, for a full read. */
        public static final Plan FIRST = new Plan(Instant.MIN, null, 0);

        /** Whether what is due at {@code now} is a health check only: the full read is not due yet. */
        public boolean checkOnly(Instant now) {
            return readAt != null && now.isBefore(readAt);
        }

        public boolean inFlight() {
            return Instant.MAX.equals(due);
        }

        /** The same plan, being looked at. */
        public Plan started() {
            return new Plan(Instant.MAX, readAt, failures);
        }

        /** Due at once, for a full read (something changed at the server). */
        public Plan readNow() {
            return new Plan(Instant.MIN, null, failures);
        }
    }

    private final Duration refresh;
    private final Duration health;
    private final Duration retry;
    private final Duration maxRetry;
    private final DoubleSupplier random;

    /**
     * @param refresh  how often a ready server's lists are read whole
     * @param health   how often a ready server is health-checked between reads (zero: never)
     * @param retry    the first retry of a server that failed
     * @param maxRetry the longest nominal wait between retries
     */
    public ProbeSchedule(Duration refresh, Duration health, Duration retry, Duration maxRetry) {
        this(refresh, health, retry, maxRetry, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The same, with the source of the jitter: uniform in [0, 1). */
    public ProbeSchedule(Duration refresh, Duration health, Duration retry, Duration maxRetry, DoubleSupplier random) {
        this.refresh = refresh;
        this.health = health;
        this.retry = retry;
        this.maxRetry = maxRetry.compareTo(retry) < 0 ? retry : maxRetry;
        this.random = random;
    }

    /** After a full read succeeded: the next health check, or the next read if that comes first. */
    public Plan read(Instant now) {
        Instant readAt = now.plus(refresh);
        return new Plan(nextCheck(now, readAt), readAt, 0);
    }

    /** After a health check succeeded: the lists stay due when they were. */
    public Plan checked(Plan before, Instant now) {
        Instant readAt = before.readAt() == null ? now : before.readAt();
        return new Plan(nextCheck(now, readAt), readAt, 0);
    }

    /** After a read or a health check failed: a full read after the backoff for one more failure in a row. */
    public Plan failed(Plan before, Instant now) {
        int failures = before == null ? 1 : before.failures() + 1;
        return new Plan(now.plus(backoff(failures)), null, failures);
    }

    /** The wait after {@code failures} failures in a row (1: the first): nominal retry × 2^(failures-1), capped, ±20 %. */
    public Duration backoff(int failures) {
        int doublings = Math.min(Math.max(failures, 1) - 1, 30); // 2^30 × any sane interval is past every cap
        Duration nominal = retry.multipliedBy(1L << doublings);
        if (nominal.compareTo(maxRetry) > 0) {
            nominal = maxRetry;
        }
        double factor = 1 + JITTER * (2 * random.getAsDouble() - 1);
        return Duration.ofMillis(Math.round(nominal.toMillis() * factor));
    }

    private Instant nextCheck(Instant now, Instant readAt) {
        if (health.isZero() || health.isNegative()) {
            return readAt;
        }
        Instant check = now.plus(health);
        return check.isBefore(readAt) ? check : readAt;
    }
}
