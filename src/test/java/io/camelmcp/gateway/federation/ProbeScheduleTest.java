package io.camelmcp.gateway.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;

/**
 * When a server is next looked at: with the defaults (refresh 30 s, health 10 s, retry 5 s, max 1 min), no clock, no
 * sleeping; the jitter's source is given, so its extremes are checked exactly and a real one is checked by its bounds.
 */
class ProbeScheduleTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    static ProbeSchedule schedule(DoubleSupplier random) {
        return new ProbeSchedule(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofMinutes(1), random);
    }

    @Test
    void failuresInARowDoubleTheWaitUpToTheCapWithinTwentyPercentEitherWay() {
        ProbeSchedule mid = schedule(() -> 0.5);
        ProbeSchedule low = schedule(() -> 0.0);
        ProbeSchedule high = schedule(() -> 0.999_999);
        long[] nominal = {5, 10, 20, 40, 60, 60, 60};
        for (int n = 1; n <= nominal.length; n++) {
            long ms = nominal[n - 1] * 1000;
            assertThat(mid.backoff(n)).isEqualTo(Duration.ofMillis(ms));
            assertThat(low.backoff(n)).isEqualTo(Duration.ofMillis(ms * 8 / 10));
            assertThat(high.backoff(n).toMillis()).isBetween(ms * 12 / 10 - 1, ms * 12 / 10);
        }
        // far past the cap nothing overflows
        assertThat(mid.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(1));

        ProbeSchedule real = new ProbeSchedule(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofMinutes(1));
        List<Long> atCap = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            for (int n = 1; n <= 8; n++) {
                long ms = Math.min(5000L << (n - 1), 60_000);
                assertThat(real.backoff(n).toMillis()).isBetween(ms * 8 / 10, ms * 12 / 10);
            }
            atCap.add(real.backoff(12).toMillis());
        }
        // jittered at the cap too: servers that failed together do not stay in step
        assertThat(atCap.stream().distinct().count()).isGreaterThan(100);
    }

    @Test
    void aFailedServerIsRetriedWithBackoffAndASuccessResetsIt() {
        ProbeSchedule s = schedule(() -> 0.5);
        ProbeSchedule.Plan plan = ProbeSchedule.Plan.FIRST;
        Instant now = T0;
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            plan = s.failed(plan.started(), now);
            waits.add(Duration.between(now, plan.due()));
            assertThat(plan.checkOnly(plan.due())).isFalse(); // a retry reads the server whole
            now = plan.due();
        }
        assertThat(waits).extracting(Duration::toSeconds).containsExactly(5L, 10L, 20L, 40L, 60L, 60L);

        plan = s.read(now.plusSeconds(1)); // it answered
        assertThat(plan.failures()).isZero();
        now = plan.due();
        plan = s.failed(plan.started(), now); // and failed again: back to the first wait
        assertThat(Duration.between(now, plan.due())).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aReadyServerIsHealthCheckedBetweenItsReads() {
        ProbeSchedule s = schedule(() -> 0.5);
        ProbeSchedule.Plan plan = s.read(T0);
        assertThat(plan.due()).isEqualTo(T0.plusSeconds(10));
        assertThat(plan.checkOnly(plan.due())).isTrue();

        plan = s.checked(plan.started(), plan.due());
        assertThat(plan.due()).isEqualTo(T0.plusSeconds(20));
        assertThat(plan.checkOnly(plan.due())).isTrue();

        plan = s.checked(plan.started(), plan.due());
        assertThat(plan.due()).isEqualTo(T0.plusSeconds(30)); // the read comes first: it is one
        assertThat(plan.checkOnly(plan.due())).isFalse();

        // a failed check: retried with a read after the first wait
        plan = s.failed(s.read(T0).started(), T0.plusSeconds(10));
        assertThat(plan.due()).isEqualTo(T0.plusSeconds(15));
        assertThat(plan.checkOnly(plan.due())).isFalse();

        // something changed at the server: read at once
        assertThat(s.read(T0).readNow().due()).isEqualTo(Instant.MIN);
        assertThat(s.read(T0).readNow().checkOnly(T0)).isFalse();
    }

    @Test
    void aHealthIntervalOfZeroMeansReadsOnly() {
        ProbeSchedule s = new ProbeSchedule(Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(5),
                Duration.ofMinutes(1), () -> 0.5);
        ProbeSchedule.Plan plan = s.read(T0);
        assertThat(plan.due()).isEqualTo(T0.plusSeconds(30));
        assertThat(plan.checkOnly(plan.due())).isFalse();
    }
}
