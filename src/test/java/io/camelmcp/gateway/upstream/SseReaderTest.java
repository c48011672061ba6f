package io.camelmcp.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SseReaderTest {

    private static SseReader reader(String text) {
        return new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsEventsWithIdsDataAndRetryAcrossLineEndings() throws Exception {
        SseReader r = reader("id: 1\r\ndata: \r\n\r\n: comment\nevent: message\nid: 2\ndata: {\"a\":1}\n\nretry: 500\rdata: x\rdata: y\r\r");
        SseEvent priming = r.next();
        assertThat(priming.id()).isEqualTo("1");
        assertThat(priming.isMessage()).isFalse(); // empty data: a priming event, not a message
        SseEvent msg = r.next();
        assertThat(msg.event()).isEqualTo("message");
        assertThat(msg.id()).isEqualTo("2");
        assertThat(msg.data()).isEqualTo("{\"a\":1}");
        SseEvent multi = r.next();
        assertThat(multi.retry()).isEqualTo(500L);
        assertThat(multi.data()).isEqualTo("x\ny");
        assertThat(r.next()).isNull();
    }

    @Test
    void anUnterminatedEventAtTheEndIsDiscarded() throws Exception {
        assertThat(reader("data: half").next()).isNull();
    }

    @Test
    void anOversizedEventFailsTheStreamInsteadOfFillingMemory() {
        SseReader r = new SseReader(new ByteArrayInputStream(("data: " + "x".repeat(100) + "\n\n").getBytes(StandardCharsets.UTF_8)), 50);
        org.assertj.core.api.Assertions.assertThatThrownBy(r::next).isInstanceOf(java.io.IOException.class).hasMessageContaining("50");
        SseReader multi = new SseReader(new ByteArrayInputStream(("data: " + "x".repeat(30) + "\ndata: " + "y".repeat(30) + "\n\n")
                .getBytes(StandardCharsets.UTF_8)), 50);
        org.assertj.core.api.Assertions.assertThatThrownBy(multi::next).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void otherEventTypesAreNotMessages() throws Exception {
        assertThat(reader("event: endpoint\ndata: /messages\n\n").next().isMessage()).isFalse();
    }
}
