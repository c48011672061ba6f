package io.camelmcp.gateway.upstream;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.protocol.JsonRpc;

/** Follows an upstream list method across {@code nextCursor} to the end (the pagination utility). */
public final class Paging {

    /** Stops a misbehaving upstream from paging forever. */
    public static final int MAX_PAGES = 1000;

    /** Sends one request and returns the JSON-RPC response to it. */
    @FunctionalInterface
    public interface Call {
        JsonNode send(ObjectNode request) throws UpstreamException;
    }

    private Paging() {}

    /**
     * All items of a list method ({@code tools/list} → {@code "tools"}), page after page.
     * A JSON-RPC error, or more than {@link #MAX_PAGES} pages, fails the whole list.
     */
    public static List<ObjectNode> listAll(String server, String method, String field, UpstreamSessions ids, Call call)
            throws UpstreamException {
        List<ObjectNode> items = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            ObjectNode req = JsonRpc.request(ids.nextId("list"), method);
            if (cursor != null) {
                req.putObject("params").put("cursor", cursor);
            }
            JsonNode resp = call.send(req);
            if (resp.has("error")) {
                throw new UpstreamException(server, method + " failed: " + resp.get("error"), 200, null);
            }
            JsonNode result = resp.path("result");
            for (JsonNode item : result.path(field)) {
                if (item instanceof ObjectNode o) {
                    items.add(o);
                }
            }
            JsonNode next = result.get("nextCursor");
            if (next == null || !next.isTextual() || next.textValue().isEmpty()) {
                return items;
            }
            cursor = next.textValue();
        }
        throw new UpstreamException(server, method + " returned more than " + MAX_PAGES + " pages", 200, null);
    }
}
