package io.camelmcp.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The revision rules of each family, and how a version finds its family. */
class ProtocolFamiliesTest {

    private final ProtocolFamilies families = ProtocolFamilies.SUPPORTED;

    @Test
    void everyRevisionBelongsToItsFamilyAndOthersToNone() {
        for (String v : new String[] {"2025-03-26", "2025-06-18", "2025-11-25"}) {
            assertThat(families.of(v).name()).isEqualTo(SessionFamily.NAME);
        }
        assertThat(families.of("2024-11-05")).isNull();
        assertThat(families.of(null)).isNull();
        assertThat(families.withoutHeader().name()).isEqualTo(SessionFamily.NAME); // 2025-03-26 is assumed
        assertThat(families.of("2026-07-28").name()).isEqualTo(StatelessFamily.NAME);
        assertThat(families.versions()).containsExactly("2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26");
    }

    @Test
    void statelessFamilyRules() {
        ProtocolFamily f = new StatelessFamily();
        assertThat(f.negotiate("2026-07-28")).isEqualTo("2026-07-28");
        assertThat(f.negotiate("2025-11-25")).as("no handshake to fall back in").isNull();
        assertThat(f.allowsBatches("2026-07-28")).isFalse();
        assertThat(f.primesStreams("2026-07-28")).as("streams are not resumable").isFalse();
    }

    @Test
    void sessionFamilyRules() {
        ProtocolFamily f = new SessionFamily();
        assertThat(f.negotiate("2025-06-18")).isEqualTo("2025-06-18");
        assertThat(f.negotiate("1999-01-01")).isEqualTo("2025-11-25");
        assertThat(f.allowsBatches("2025-03-26")).isTrue();
        assertThat(f.allowsBatches("2025-06-18")).isFalse();
        assertThat(f.primesStreams("2025-11-25")).isTrue();
        assertThat(f.primesStreams("2025-06-18")).isFalse();
        assertThat(f.upstreamVersion()).isEqualTo("2025-11-25");
        assertThat(f.acceptsUpstream("2025-03-26")).isTrue();
        assertThat(f.acceptsUpstream("2026-07-28")).isFalse();
    }
}
