package io.camelmcp.gateway.support;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One hostile request to /mcp, as the fuzz generator makes it and as a corpus or failure file stores it.
 *
 * <p>File form: {@code {"name", "method"?, "session"?, "transport"?, "headers"?: {name: value | [values] | null},
 * "body" | "bodyBase64", "expectStatus"?: status | [statuses], "expectErrorCode"?: code | [codes],
 * "expectBody"?: subset of the answer, "note"?: why the case is there}}.
 * A header named with {@code null} (or {@code []}) is left out even where a default would be sent; a list is sent
 * as that many header lines. {@code ${session}} in a header value is the resolved session's id.
 *
 * @param session   {@code none}, {@code shared} (one 2025-11-25 session for the run), {@code shared-2025-03-26},
 *                  {@code fresh} or {@code fresh-2025-03-26} (a session initialized just for this case)
 * @param transport {@code http} (Content-Length), {@code chunked}, {@code slow} (Content-Length, the body sent in
 *                  pieces over about two seconds) or {@code truncated} (raw socket: a Content-Length larger than
 *                  the bytes sent, then the output half-closed)
 */
public record FuzzCase(String name, String method, String session, String transport,
                       Map<String, List<String>> headers, byte[] body,
                       List<Integer> expectStatus, List<Integer> expectErrorCode, JsonNode expectBody) {

    public static FuzzCase post(String name, String session, Map<String, List<String>> headers, byte[] body) {
        return new FuzzCase(name, "POST", session, "http", headers, body, null, null, null);
    }

    public static FuzzCase read(JsonNode n) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        n.path("headers").properties().forEach(e -> {
            List<String> values = new ArrayList<>();
            if (e.getValue().isArray()) {
                e.getValue().forEach(v -> values.add(v.asText()));
            } else if (!e.getValue().isNull()) {
                values.add(e.getValue().asText());
            }
            headers.put(e.getKey(), values);
        });
        byte[] body = n.has("bodyBase64") ? Base64.getDecoder().decode(n.get("bodyBase64").asText())
                : n.path("body").asText("").getBytes(StandardCharsets.UTF_8);
        return new FuzzCase(n.path("name").asText("unnamed"), n.path("method").asText("POST"),
                n.path("session").asText("none"), n.path("transport").asText("http"), headers, body,
                ints(n.get("expectStatus")), ints(n.get("expectErrorCode")), n.get("expectBody"));
    }

    /** One number or a list of them (any of which is expected); null when absent. */
    private static List<Integer> ints(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asInt()));
        } else {
            out.add(n.asInt());
        }
        return out;
    }

    /** The replayable form, with the body as base64 (and as text too when it is valid UTF-8, for reading). */
    public ObjectNode write() {
        ObjectNode n = RawMcpClient.JSON.createObjectNode();
        n.put("name", name).put("method", method).put("session", session).put("transport", transport);
        ObjectNode h = n.putObject("headers");
        headers.forEach((k, v) -> {
            if (v.isEmpty()) {
                h.putNull(k);
            } else if (v.size() == 1) {
                h.put(k, v.get(0));
            } else {
                v.forEach(h.withArray(k)::add);
            }
        });
        n.put("bodyBase64", Base64.getEncoder().encodeToString(body));
        String text = utf8(body);
        if (text != null) {
            n.put("bodyText", text.length() > 2000 ? text.substring(0, 2000) + "…" : text);
        }
        if (expectStatus != null) {
            expectStatus.forEach(n.withArray("expectStatus")::add);
        }
        if (expectErrorCode != null) {
            expectErrorCode.forEach(n.withArray("expectErrorCode")::add);
        }
        if (expectBody != null) {
            n.set("expectBody", expectBody);
        }
        return n;
    }

    /** The header's values when the case names it (case-insensitively), else null: the default applies. */
    public List<String> header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The bytes as a string when they are valid UTF-8, else null. */
    public static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
