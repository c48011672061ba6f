package io.camelmcp.gateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.protocol.McpVersions;

/**
 * What a request to a modern (2026-07-28) upstream carries that a session-based one does not, and what its answers
 * carry that a 2025 client does not know: plain functions on the JSON tree, no state.
 *
 * <ul>
 * <li>{@code params._meta}: {@code io.modelcontextprotocol/protocolVersion}, {@code clientInfo},
 * {@code clientCapabilities} and, when the client set one, {@code logLevel}; the request's other {@code _meta}
 * members (its progress token) stay;</li>
 * <li>the headers {@code Mcp-Method} and {@code Mcp-Name} (tools/call, prompts/get: {@code params.name};
 * resources/read: {@code params.uri}; the tasks extension's tasks/get, tasks/update, tasks/cancel: {@code params.taskId}), a value that is not plain header-safe ASCII as {@code =?base64?…?=};</li>
 * <li>the 2026-only result members {@code resultType}, {@code ttlMs} and {@code cacheScope}, taken off for a 2025
 * client.</li>
 * </ul>
 */
public final class ModernRequests {

    public static final String VERSION = McpVersions.V2026_07_28;

    public static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";

    /** HeaderMismatch: the request's headers and body disagree. */
    public static final int HEADER_MISMATCH = -32020;
    /** MissingRequiredClientCapability. */
    public static final int MISSING_CAPABILITY = -32021;
    /** UnsupportedProtocolVersion; {@code data.supported} lists what the server speaks. */
    public static final int UNSUPPORTED_VERSION = -32022;

    private ModernRequests() {}

    /** The request's per-request envelope, written into {@code params._meta} (created when missing). */
    public static void envelope(ObjectNode request, JsonNode capabilities, JsonNode clientInfo, String logLevel) {
        JsonNode p = request.get("params");
        ObjectNode params = p instanceof ObjectNode o ? o : request.putObject("params");
        JsonNode m = params.get("_meta");
        ObjectNode meta = m instanceof ObjectNode o ? o : params.putObject("_meta");
        meta.put(META_VERSION, VERSION);
        if (clientInfo != null && clientInfo.isObject()) {
            meta.set(META_CLIENT_INFO, clientInfo);
        }
        meta.set(META_CLIENT_CAPABILITIES, capabilities);
        if (logLevel != null) {
            meta.put(META_LOG_LEVEL, logLevel); // else a 2026-07-28 client's own level, if it sent one, stays
        }
    }

    /** The value of {@code Mcp-Name} for a request: the tool's or prompt's name, the resource's URI; null for others. */
    public static String name(String method, JsonNode params) {
        if (method == null || params == null) {
            return null;
        }
        JsonNode v = switch (method) {
            case "tools/call", "prompts/get" -> params.get("name");
            case "resources/read" -> params.get("uri");
            case "tasks/get", "tasks/update", "tasks/cancel" -> params.get("taskId"); // the tasks extension's routing header
            default -> null;
        };
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    /**
     * A header value as the transport's Value Encoding wants it: as it is when it is visible ASCII and spaces without
     * leading or trailing white space, else (and when it looks like the sentinel itself) {@code =?base64?…?=} of its
     * UTF-8 bytes.
     */
    public static String headerValue(String value) {
        return isPlain(value) ? value
                : "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    static boolean isPlain(String value) {
        int n = value.length();
        if (n == 0) {
            return true;
        }
        if (value.charAt(0) == ' ' || value.charAt(0) == '\t' || value.charAt(n - 1) == ' ' || value.charAt(n - 1) == '\t') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if ((c < 0x20 || c > 0x7e) && c != '\t') {
                return false;
            }
        }
        return !(value.startsWith("=?base64?") && value.endsWith("?="));
    }

    /** Takes the 2026-only members off a result (in place), for a 2025 client. */
    public static void strip(JsonNode result) {
        if (result instanceof ObjectNode r) {
            r.remove("resultType");
            r.remove("ttlMs");
            r.remove("cacheScope");
        }
    }

    /** Whether a result is an InputRequiredResult (MRTR: the server asks for input before it completes). */
    public static boolean inputRequired(JsonNode result) {
        return result != null && "input_required".equals(result.path("resultType").asText(null));
    }

    /** Whether a JSON-RPC error object is an UnsupportedProtocolVersion error that names 2026-07-28 as supported. */
    public static boolean supportsModern(JsonNode error) {
        if (error == null || error.path("code").asInt() != UNSUPPORTED_VERSION) {
            return false;
        }
        for (JsonNode v : error.path("data").path("supported")) {
            if (VERSION.equals(v.asText())) {
                return true;
            }
        }
        return false;
    }
}
