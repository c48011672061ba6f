package io.camelmcp.gateway.protocol;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What every answer to a 2026-07-28 client carries that a 2025 answer does not: {@code resultType} on every result,
 * {@code ttlMs} and {@code cacheScope} on the cacheable ones, the gateway's {@code serverInfo} in the result's
 * {@code _meta}; and the codes that changed (resource not found is -32602, no longer -32002).
 */
public final class StatelessResults {

    /** The results that must carry caching hints (server/utilities/caching.mdx). */
    public static final Set<String> CACHEABLE = Set.of("server/discover", "tools/list", "prompts/list",
            "resources/list", "resources/templates/list", "resources/read");
    private static final Set<String> LISTS = Set.of("tools/list", "prompts/list", "resources/list",
            "resources/templates/list");
    /** Earlier revisions' code for a resource not found; 2026-07-28 answers it with -32602 (Invalid params). */
    private static final int RESOURCE_NOT_FOUND_2025 = -32002;

    private final JsonNode serverInfo;
    private final long listTtlMs;

    /**
     * @param serverInfo the gateway's name and version
     * @param listTtlMs  how long a merged list may be kept: the catalogue re-reads its servers that often (a change it
     *                   hears of sooner is announced on subscriptions/listen)
     */
    public StatelessResults(JsonNode serverInfo, long listTtlMs) {
        this.serverInfo = serverInfo;
        this.listTtlMs = listTtlMs;
    }

    /**
     * Completes one JSON-RPC response to a request of {@code method} for a 2026-07-28 client, in place; a message that
     * is no response (a notification on the stream) is left as it is.
     */
    public JsonNode complete(String method, JsonNode message) {
        if (!(message instanceof ObjectNode m) || m.has("method")) {
            return message;
        }
        if (m.get("result") instanceof ObjectNode result) {
            if (!result.has("resultType")) {
                result.put("resultType", "complete");
            }
            if (CACHEABLE.contains(method) && "complete".equals(result.path("resultType").asText())) {
                if (!result.has("ttlMs")) {
                    result.put("ttlMs", LISTS.contains(method) ? listTtlMs : 0);
                }
                if (!result.has("cacheScope")) {
                    // lists depend on the client's capabilities (the catalogue's views), reads on the upstream session
                    result.put("cacheScope", "private");
                }
            }
            JsonNode meta = result.get("_meta");
            ObjectNode metaObject = meta instanceof ObjectNode o ? o : result.putObject("_meta");
            metaObject.set(StatelessFamily.META_SERVER_INFO, serverInfo);
        } else if (m.get("error") instanceof ObjectNode error && "resources/read".equals(method)
                && error.path("code").asInt() == RESOURCE_NOT_FOUND_2025) {
            error.put("code", ErrorCodes.INVALID_PARAMS);
        }
        return m;
    }

    public JsonNode serverInfo() {
        return serverInfo;
    }
}
