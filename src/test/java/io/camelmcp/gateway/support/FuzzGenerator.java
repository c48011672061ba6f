package io.camelmcp.gateway.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Hostile requests for /mcp, each a mutation of a valid MCP message: broken JSON, wrong JSON types for the
 * envelope's and the params' fields, odd ids, unknown methods, batches, invalid UTF-8, deep nesting, long numbers,
 * header combinations and other HTTP methods. Everything comes from the one {@link Random}, so a seed and an index
 * name a case exactly.
 *
 * <p>Generated text never contains the markers the test looks for in answers ({@code Exception}, {@code java.},
 * {@code org.apache}, {@code <html}, a tab): random strings use an alphabet without 'E', 'j', 'o', '<' and tabs, so an
 * answer that echoes the input cannot trip the stack-trace check.
 */
public final class FuzzGenerator {

    /** Valid messages to start from: method and params (null: none). */
    static final String[][] MESSAGES = {
            {"initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"roots\":{}},\"clientInfo\":{\"name\":\"fuzz\",\"version\":\"1\"}}"},
            {"ping", null},
            {"ping", "{}"},
            {"tools/list", null},
            {"tools/list", "{\"cursor\":\"bm90LWEtY3Vyc29y\"}"},
            {"tools/call", "{\"name\":\"calc_add\",\"arguments\":{\"a\":2,\"b\":3}}"},
            {"tools/call", "{\"name\":\"calc_divide\",\"arguments\":{\"a\":1,\"b\":0}}"},
            {"tools/call", "{\"name\":\"clock_now\",\"arguments\":{\"timezone\":\"Europe/Paris\"}}"},
            {"tools/call", "{\"name\":\"clock_days-between\",\"arguments\":{\"from\":\"2026-01-01\",\"to\":\"2026-12-25\"},\"_meta\":{\"progressToken\":7}}"},
            {"prompts/list", null},
            {"prompts/get", "{\"name\":\"calc_summary\",\"arguments\":{\"topic\":\"x\"}}"},
            {"resources/list", null},
            {"resources/templates/list", null},
            {"resources/read", "{\"uri\":\"file:///tmp/x.txt\"}"},
            {"resources/subscribe", "{\"uri\":\"file:///tmp/x.txt\"}"},
            {"resources/unsubscribe", "{\"uri\":\"file:///tmp/x.txt\"}"},
            {"logging/setLevel", "{\"level\":\"debug\"}"},
            {"completion/complete", "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"calc_summary\"},\"argument\":{\"name\":\"topic\",\"value\":\"x\"}}"},
            {"tasks/list", null},
            {"tasks/get", "{\"taskId\":\"t-1\"}"},
            {"tasks/cancel", "{\"taskId\":\"t-1\"}"},
            {"notifications/initialized", null},
            {"notifications/cancelled", "{\"requestId\":1,\"reason\":\"fuzz\"}"},
            {"notifications/progress", "{\"progressToken\":7,\"progress\":1,\"total\":2}"},
            {"notifications/roots/list_changed", null},
    };

    static final String[] ODD_IDS = {"9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "1" + "0".repeat(40), "1.5", "-1", "0", "-0", "1e3", "1E400", "0.1e-400", "true", "false", "null", "\"\"",
            "{}", "{\"a\":1}", "{\"a\":{\"b\":[1]}}", "[]", "[1]", "[[1,2],{}]", "\"\\ud800\"", "\"\\udc00\"",
            "\"x\\ud800y\"", "\"\\ud800\\ud800\"", "\"\\u0000\"", "\" \"", "\"\\n\"", "\"1\""};

    static final String[] UNKNOWN_METHODS = {"", " ", "tools", "tools/", "/tools/list", "TOOLS/LIST", "tools/list ",
            "rpc.discover", "rpc.", "notifications/", "notifications/unknown", "sampling/createMessage",
            "elicitation/create", "roots/list", "subscriptions/unknown", "initialize/", "ping\\u0000", "\\ud800",
            "méthode", "𝄞", "tools/call/extra", "..", "../../admin"};

    static final String[] CONTENT_TYPES = {"text/plain", "application/json; charset=ISO-8859-1",
            "application/json;charset=utf-16", "APPLICATION/JSON", "application/json-patch+json", "application/jsonx",
            "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", ";;;", "application/",
            "application/json, text/plain", "*/*", "text/event-stream"};

    static final String[] ACCEPTS = {"application/json", "text/event-stream", "*/*", "text/html", "application/*",
            "", "application/json;q=0, text/event-stream;q=0", "garbage", "application/json;q=1.5, text/event-stream",
            "text/event-stream, application/json", "application/json,text/event-stream", "image/png",
            "application/json, text/event-stream, " + "x/y, ".repeat(200) + "z/z"};

    static final String[] VERSIONS = {"garbage", "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28",
            "", "9999-99-99", "2025-11-25, 2026-07-28", "2025-11-25 ", "DRAFT-2026-v1", "x".repeat(3000)};

    /** Random text for JSON strings, without the letters of the stack-trace markers (see the class comment). */
    static final String ALPHABET = "bcdfgkmqrsuvwyzBCDFGH0123456789 -_/:#%@~é漢";
    static final String[] ESCAPES = {"\\n", "\\\"", "\\\\", "\\u00e9", "\\u0001", "\\u001f", "\\/", "\\ud83d\\ude00"};

    private final Random r;

    public FuzzGenerator(Random r) {
        this.r = r;
    }

    /** The next case; {@code index} only names it. */
    public FuzzCase next(int index) {
        String session = pick("shared", "shared", "shared", "shared", "shared-2025-03-26", "shared-2025-03-26",
                "none", "none", "unknown", "stateless");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (session.equals("unknown")) {
            headers.put("Mcp-Session-Id", List.of(oddSessionId()));
            session = "none";
        }
        String[] base = MESSAGES[r.nextInt(MESSAGES.length)];
        boolean stateless = session.equals("stateless");
        if (stateless) {
            session = "none";
            if (base[0].equals("initialize") || base[0].startsWith("notifications/")) {
                base = MESSAGES[5];
            }
        }
        Message m = new Message(base[0], base[1], !base[0].startsWith("notifications/"), stateless);
        if (stateless) {
            headers.put("MCP-Protocol-Version", List.of("2026-07-28"));
            headers.put("Mcp-Method", List.of(base[0]));
            if (m.params != null && m.params.has("name")) {
                headers.put("Mcp-Name", List.of(m.params.get("name").asText()));
            }
        }
        String kind;
        byte[] body;
        int roll = r.nextInt(100);
        if (roll < 7) {
            kind = "valid";
            body = m.bytes();
        } else if (roll < 21) {
            kind = "envelope-field";
            body = m.mutateField(pick("jsonrpc", "id", "method", "params"));
        } else if (roll < 39) {
            kind = "params-field";
            body = m.mutateParams();
        } else if (roll < 48) {
            kind = "odd-id";
            m.raw("id", ODD_IDS[r.nextInt(ODD_IDS.length)]);
            body = m.bytes();
        } else if (roll < 52) {
            kind = "unknown-method";
            m.raw("method", "\"" + UNKNOWN_METHODS[r.nextInt(UNKNOWN_METHODS.length)] + "\"");
            body = m.bytes();
        } else if (roll < 64) {
            kind = "broken-json";
            body = broken(m.bytes());
        } else if (roll < 72) {
            kind = "batch";
            body = batch();
        } else if (roll < 77) {
            kind = "invalid-utf8";
            body = invalidUtf8(m.bytes());
        } else if (roll < 82) {
            kind = "deep-nesting";
            body = deep(m);
        } else if (roll < 87) {
            kind = "long-number";
            m.raw(pick("id", "params.arguments.a", "params.cursor", "jsonrpc", "params.requestId", "params.progress"),
                    longNumber());
            body = m.bytes();
        } else if (roll < 97) {
            kind = "headers";
            body = r.nextInt(3) == 0 ? m.mutateParams() : m.bytes();
            hostileHeaders(headers, 1 + r.nextInt(3));
        } else {
            kind = "http-method";
            return otherMethod(index, headers);
        }
        if (!kind.equals("headers") && r.nextInt(7) == 0) {
            hostileHeaders(headers, 1);
        }
        return FuzzCase.post(index + ":" + kind + ":" + m.method + (m.note.isEmpty() ? "" : ":" + m.note), session,
                headers, body);
    }

    /** GET, DELETE, PUT, PATCH without a session of the run's (a DELETE must never end the shared session). */
    private FuzzCase otherMethod(int index, Map<String, List<String>> headers) {
        String method = pick("GET", "GET", "DELETE", "DELETE", "PUT", "PATCH");
        if (r.nextBoolean()) {
            headers.put("Mcp-Session-Id", List.of(oddSessionId()));
        }
        if (method.equals("GET") || r.nextBoolean()) {
            headers.put("Accept", r.nextBoolean() ? List.of("text/event-stream") : accept());
        }
        byte[] body = method.equals("PUT") || method.equals("PATCH")
                ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}".getBytes(StandardCharsets.UTF_8) : new byte[0];
        return new FuzzCase(index + ":http-method:" + method, method, "none", "http", headers, body, null, null, null);
    }

    // --- JSON mutations -------------------------------------------------------------------------------------------

    /**
     * A message as a tree; {@link #raw} puts any JSON text (a lone surrogate escape, a 600-digit number, a nested
     * tower) anywhere in it through a placeholder string that {@link #bytes} replaces.
     */
    final class Message {
        final String method;
        final ObjectNode tree = RawMcpClient.JSON.createObjectNode();
        ObjectNode params;
        String note = "";
        private final Map<String, String> raws = new LinkedHashMap<>();

        Message(String method, String paramsJson, boolean request, boolean stateless) {
            this.method = method;
            tree.put("jsonrpc", "2.0");
            if (request) {
                if (r.nextInt(3) == 0) {
                    tree.put("id", "req-" + r.nextInt(1000));
                } else {
                    tree.put("id", r.nextInt(100_000));
                }
            }
            tree.put("method", method);
            if (paramsJson != null || stateless) {
                params = (ObjectNode) parse(paramsJson == null ? "{}" : paramsJson);
                if (stateless) {
                    ObjectNode meta = params.has("_meta") ? (ObjectNode) params.get("_meta") : params.putObject("_meta");
                    meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
                    meta.putObject("io.modelcontextprotocol/clientCapabilities");
                    meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "fuzz").put("version", "1");
                }
                tree.set("params", params);
            }
        }

        /** Puts raw JSON text at a dotted path (creating objects on the way), or replaces what is there. */
        void raw(String path, String json) {
            String token = "@@RAW" + raws.size() + "@@";
            raws.put("\"" + token + "\"", json);
            set(path, new TextNode(token));
            note = path + "=" + abbreviate(json);
        }

        void remove(String path) {
            int dot = path.lastIndexOf('.');
            JsonNode parent = dot < 0 ? tree : at(path.substring(0, dot));
            if (parent instanceof ObjectNode o) {
                o.remove(path.substring(dot + 1));
            }
            note = "without " + path;
        }

        private void set(String path, JsonNode value) {
            String[] parts = path.split("\\.");
            ObjectNode node = tree;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode next = node.get(parts[i]);
                if (!(next instanceof ObjectNode)) {
                    next = node.putObject(parts[i]);
                }
                node = (ObjectNode) next;
            }
            node.set(parts[parts.length - 1], value);
        }

        private JsonNode at(String path) {
            JsonNode n = tree;
            for (String p : path.split("\\.")) {
                n = n.path(p);
            }
            return n;
        }

        /** Replaces an envelope field with a value of a wrong type, or removes it. */
        byte[] mutateField(String field) {
            if (r.nextInt(5) == 0) {
                remove(field);
            } else {
                raw(field, field.equals("id") ? ODD_IDS[r.nextInt(ODD_IDS.length)] : hostileValue());
            }
            return bytes();
        }

        /** Replaces one field anywhere in the params with a hostile value, removes it, or adds an unknown one. */
        byte[] mutateParams() {
            List<String> paths = new ArrayList<>();
            if (params != null) {
                collect("params", params, paths);
            }
            int what = r.nextInt(10);
            if (paths.isEmpty() || what == 0) {
                raw("params." + pick("cursor", "name", "uri", "level", "arguments", "_meta", "zzz", "requestId"),
                        hostileValue());
            } else if (what == 1) {
                remove(paths.get(r.nextInt(paths.size())));
            } else if (what == 2) {
                raw(paths.get(r.nextInt(paths.size())) + ".extra" + r.nextInt(9), hostileValue());
            } else {
                raw(paths.get(r.nextInt(paths.size())), hostileValue());
            }
            return bytes();
        }

        private void collect(String prefix, JsonNode node, List<String> out) {
            node.properties().forEach(e -> {
                String p = prefix + "." + e.getKey();
                if (e.getKey().contains(".")) {
                    return; // _meta's dotted keys cannot be addressed by a dotted path; _meta itself is
                }
                out.add(p);
                if (e.getValue().isObject()) {
                    collect(p, e.getValue(), out);
                }
            });
        }

        byte[] bytes() {
            String json;
            try {
                json = RawMcpClient.JSON.writeValueAsString(tree);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            for (Map.Entry<String, String> e : raws.entrySet()) {
                json = json.replace(e.getKey(), e.getValue());
            }
            return json.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A JSON value of any type, often not the one the field wants. */
    String hostileValue() {
        return switch (r.nextInt(26)) {
            case 0 -> "null";
            case 1 -> "true";
            case 2 -> "false";
            case 3 -> "0";
            case 4 -> "-1";
            case 5 -> "1.5";
            case 6 -> "1e308";
            case 7 -> "-0.0";
            case 8 -> "9223372036854775808";
            case 9 -> longNumber();
            case 10 -> "\"\"";
            case 11 -> "\"" + text(1 + r.nextInt(40)) + "\"";
            case 12 -> "\"" + "y".repeat(1000 + r.nextInt(20_000)) + "\"";
            case 13 -> "\"\\ud800\"";
            case 14 -> "\"\\udc00\\ud800\"";
            case 15 -> "{}";
            case 16 -> "[]";
            case 17 -> "[1,\"b\",null,{},[]]";
            case 18 -> "{\"b\":{\"c\":[1,{\"d\":null}]},\"e\":\"f\"}";
            case 19 -> {
                int depth = 10 + r.nextInt(300);
                yield "[".repeat(depth) + "1" + "]".repeat(depth);
            }
            case 20 -> "\"\\u0000\"";
            case 21 -> "\"calc_add\"";
            case 22 -> "\"2025-11-25\"";
            case 23 -> "1E400";
            case 24 -> "\"debug\"";
            default -> ODD_IDS[r.nextInt(ODD_IDS.length)];
        };
    }

    String longNumber() {
        int digits = pick(20, 100, 600, 1000, 5000, 20_000);
        StringBuilder b = new StringBuilder(r.nextBoolean() ? "-" : "");
        b.append((char) ('1' + r.nextInt(9)));
        for (int i = 1; i < digits; i++) {
            b.append((char) ('0' + r.nextInt(10)));
        }
        return switch (r.nextInt(4)) {
            case 0 -> b + "." + "0".repeat(r.nextInt(50)) + "1";
            case 1 -> b + "e" + r.nextInt(1_000_000);
            case 2 -> "0." + "0".repeat(digits) + "1e-" + digits;
            default -> b.toString();
        };
    }

    String text(int length) {
        StringBuilder b = new StringBuilder();
        while (b.length() < length) {
            if (r.nextInt(8) == 0) {
                b.append(ESCAPES[r.nextInt(ESCAPES.length)]);
            } else {
                b.appendCodePoint(ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0, r.nextInt(ALPHABET.codePointCount(0, ALPHABET.length())))));
            }
        }
        return b.toString();
    }

    /** Truncations, stray bytes, unbalanced brackets, JSON5-isms and other text that is not one JSON value. */
    byte[] broken(byte[] valid) {
        String s = new String(valid, StandardCharsets.UTF_8);
        int at = r.nextInt(s.length());
        String out = switch (r.nextInt(16)) {
            case 0 -> s.substring(0, at);
            case 1 -> s.substring(0, at) + pick("{", "}", "[", "]", "\"", ",", ":", "\\", "\u0000", "\n", "x", "\u001b", "\ufeff") + s.substring(at);
            case 2 -> s.substring(0, at) + s.substring(at + 1);
            case 3 -> s + "}".repeat(1 + r.nextInt(3));
            case 4 -> "[".repeat(1 + r.nextInt(3)) + s;
            case 5 -> "{" + s;
            case 6 -> s + s;
            case 7 -> s + " " + pick("x", "null", "{", "//", "\u0000");
            case 8 -> s.replace('"', '\'');
            case 9 -> s.replaceFirst("\\{", "{/* c */");
            case 10 -> s.substring(0, s.length() - 1) + ",}";
            case 11 -> s.replaceFirst("\"jsonrpc\":\"2.0\"", "\"jsonrpc\":NaN");
            case 12 -> "\ufeff" + s;
            case 13 -> pick("", " ", "\n\n", "null", "42", "\"str\"", "true", "{", "[", "}", "{}", "{\"\":}");
            case 14 -> s.replaceFirst(",", ",\"id\":99,\"method\":\"ping\",");
            default -> s.substring(0, at) + "\\u12" + s.substring(at);
        };
        if (r.nextInt(12) == 0) {
            return out.getBytes(StandardCharsets.UTF_16); // a body in the wrong encoding
        }
        return out.getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes that are not UTF-8 at a random place, often inside a string. */
    byte[] invalidUtf8(byte[] valid) {
        byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE9}, {(byte) 0xFE, (byte) 0xFF}};
        int at;
        String s = new String(valid, StandardCharsets.UTF_8);
        int quote = s.indexOf("\"method\":\"");
        if (r.nextBoolean() && quote >= 0) {
            at = quote + 10 + r.nextInt(3);
        } else {
            at = r.nextInt(valid.length + 1);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(valid, 0, at);
        out.writeBytes(bad[r.nextInt(bad.length)]);
        out.write(valid, at, valid.length - at);
        return out.toByteArray();
    }

    /** A tower of arrays or objects in the arguments, the params, the id, or around the whole message. */
    byte[] deep(Message m) {
        int depth = pick(50, 500, 1000, 1500, 2000, 5000, 20_000);
        boolean objects = r.nextBoolean();
        boolean closed = r.nextInt(4) != 0;
        String open = objects ? "{\"a\":" : "[";
        String close = objects ? "}" : "]";
        String tower = open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
        String where = pick("params.arguments.a", "params", "id", "params._meta", "around");
        if (where.equals("around")) {
            String s = new String(m.bytes(), StandardCharsets.UTF_8);
            m.note = "around, depth " + depth;
            return ("[".repeat(depth) + s + (closed ? "]".repeat(depth) : "")).getBytes(StandardCharsets.UTF_8);
        }
        m.raw(where, tower);
        m.note = where + ", depth " + depth + (objects ? " objects" : " arrays") + (closed ? "" : " unclosed");
        return m.bytes();
    }

    /** Batches: empty, mixed valid and broken, nested, of notifications only, of non-objects, long. */
    byte[] batch() {
        int n = pick(0, 1, 2, 3, 5, 20, 60);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] base = MESSAGES[r.nextInt(MESSAGES.length)];
            if (base[0].equals("initialize") && r.nextBoolean()) {
                base = MESSAGES[1];
            }
            Message m = new Message(base[0], base[1], !base[0].startsWith("notifications/"), false);
            String item = switch (r.nextInt(8)) {
                case 0 -> new String(m.mutateParams(), StandardCharsets.UTF_8);
                case 1 -> pick("1", "null", "\"x\"", "[]", "{}", "[" + new String(m.bytes(), StandardCharsets.UTF_8) + "]");
                case 2 -> {
                    m.raw("id", ODD_IDS[r.nextInt(ODD_IDS.length)]);
                    yield new String(m.bytes(), StandardCharsets.UTF_8);
                }
                default -> new String(m.bytes(), StandardCharsets.UTF_8);
            };
            items.add(item);
        }
        String array = "[" + String.join(",", items) + "]";
        return (r.nextInt(6) == 0 ? "[" + array + "]" : array).getBytes(StandardCharsets.UTF_8);
    }

    // --- headers --------------------------------------------------------------------------------------------------

    void hostileHeaders(Map<String, List<String>> headers, int count) {
        for (int i = 0; i < count; i++) {
            switch (r.nextInt(9)) {
                case 0 -> headers.put("Content-Type", r.nextInt(4) == 0 ? List.of() : List.of(pick(CONTENT_TYPES)));
                case 1, 2 -> headers.put("Accept", accept());
                case 3 -> headers.put("Mcp-Session-Id", r.nextInt(4) == 0
                        ? List.of("${session}", UUID.randomUUID().toString()) : List.of(oddSessionId()));
                case 4 -> headers.put("MCP-Protocol-Version", r.nextInt(5) == 0
                        ? List.of("2025-11-25", "2026-07-28") : List.of(pick(VERSIONS)));
                case 5 -> {
                    // a 2026-07-28 request whose body has no _meta, or whose headers do not mirror the body
                    headers.put("MCP-Protocol-Version", List.of("2026-07-28"));
                    if (r.nextBoolean()) {
                        headers.put("Mcp-Method", List.of(pick("tools/call", "ping", "", "x", "tools/list")));
                    }
                    if (r.nextBoolean()) {
                        headers.put("Mcp-Name", List.of(pick("calc_add", "", "zz_none", "clock_now")));
                    }
                }
                case 6 -> headers.put("Origin", List.of(pick("https://evil.example", "null", "http://127.0.0.1", "x")));
                case 7 -> headers.put("Content-Encoding", List.of(pick("gzip", "deflate", "br", "identity", "x")));
                default -> headers.put("Last-Event-ID", List.of(pick("0", "-1", "x", "9".repeat(400), "abc_123")));
            }
        }
    }

    private List<String> accept() {
        return switch (r.nextInt(5)) {
            case 0 -> List.of();
            case 1 -> List.of("application/json", "text/event-stream");
            case 2 -> List.of(pick(ACCEPTS), pick(ACCEPTS));
            default -> List.of(pick(ACCEPTS));
        };
    }

    String oddSessionId() {
        return switch (r.nextInt(8)) {
            case 0 -> "";
            case 1 -> "not a session";
            case 2 -> "s".repeat(5000);
            case 3 -> "../../admin";
            case 4 -> "%00%0d%0a";
            case 5 -> "{\"id\":1}";
            default -> UUID.randomUUID().toString();
        };
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[r.nextInt(options.length)];
    }

    private static JsonNode parse(String json) {
        try {
            return RawMcpClient.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 30) + "…(" + s.length() + " chars)";
    }
}
