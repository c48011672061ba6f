package io.camelmcp.gateway.upstream;

/** One Server-Sent Event as received: {@code data} joins multiple data lines with '\n'. */
public record SseEvent(String id, String event, String data, Long retry) {

    public boolean isMessage() {
        return (event == null || event.equals("message")) && data != null && !data.isEmpty();
    }
}
