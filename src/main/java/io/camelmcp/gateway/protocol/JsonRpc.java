package io.camelmcp.gateway.protocol;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Parsing and writing of JSON-RPC 2.0 messages. One shared, thread-safe mapper; the request body is
 * parsed once, straight from the HTTP input stream, with Jackson enforcing the size limit.
 */
public final class JsonRpc {

    private final ObjectMapper mapper;
    private final ObjectMapper boundedMapper;

    public JsonRpc(ObjectMapper mapper, long maxDocumentBytes) {
        this.mapper = mapper;
        JsonFactory bounded = mapper.getFactory().copy();
        bounded.setStreamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(maxDocumentBytes)
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxDocumentBytes))
                .build());
        bounded.setRecyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool());
        this.boundedMapper = new ObjectMapper(bounded)
                // a relay passes numbers on as they came: 0.1, 1.10 or 1e999999 are not rounded through a double
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    }

    /**
     * A parser's message for the client: what is wrong and where, without the parser's own vocabulary (its
     * configuration names, feature hints, source excerpt).
     */
    static String parseProblem(String parserMessage) {
        String m = parserMessage == null ? "malformed JSON" : parserMessage;
        m = m.replaceAll(", from `[^`]*`", "")
                .replaceAll("[;:]? *(enable|use|set) `[^`]*`[^.;)]*", "")
                .replaceAll("\\s*\\[Source: .*", "")
                .strip();
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }

    public ObjectMapper mapper() { return mapper; }

    public ObjectNode object() { return JsonNodeFactory.instance.objectNode(); }

    /** Parses one message from a client. Any failure becomes the right JSON-RPC error and HTTP status. */
    public JsonRpcMessage parse(InputStream body) {
        return validate(parseTree(body));
    }

    /** Parses a client's body (one message or a batch) with the size limit; not yet validated. */
    public JsonNode parseTree(InputStream body) {
        return parseTree(() -> boundedMapper.createParser(body));
    }

    /** The same, from a character stream. */
    public JsonNode parseTree(java.io.Reader body) {
        return parseTree(() -> boundedMapper.createParser(body));
    }

    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    private JsonNode parseTree(ParserSource source) {
        JsonNode tree;
        try (JsonParser parser = source.open()) {
            if (parser.nextToken() == null) {
                throw McpException.http(400, ErrorCodes.PARSE_ERROR, "Parse error: empty body");
            }
            tree = boundedMapper.readTree(parser);
            if (parser.nextToken() != null) {
                throw McpException.http(400, ErrorCodes.PARSE_ERROR, "Parse error: trailing data after the JSON value");
            }
        } catch (StreamConstraintsException e) {
            // 413 is for size (the document, or a string as long as the size limit); nesting depth or a number's
            // length are a message the gateway will not parse: 400
            String limit = String.valueOf(e.getMessage());
            if (limit.contains("getMaxDocumentLength") || limit.contains("getMaxStringLength")) {
                throw McpException.http(413, ErrorCodes.INVALID_REQUEST, "Request body exceeds the gateway's limit");
            }
            throw McpException.http(400, ErrorCodes.PARSE_ERROR, "Parse error: " + parseProblem(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw McpException.http(400, ErrorCodes.PARSE_ERROR, "Parse error: " + parseProblem(e.getOriginalMessage()));
        } catch (IOException e) {
            throw McpException.http(400, ErrorCodes.PARSE_ERROR, "Parse error: could not read the request body");
        }
        return tree;
    }

    /** Checks the JSON-RPC 2.0 envelope and classifies the message. */
    public JsonRpcMessage validate(JsonNode tree) {
        if (tree.isArray()) {
            throw McpException.http(400, ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: a JSON-RPC batch is not one message");
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw McpException.http(400, ErrorCodes.INVALID_REQUEST, "Invalid Request: a JSON-RPC message must be an object");
        }
        JsonNode id = obj.get("id");
        if (!"2.0".equals(obj.path("jsonrpc").textValue())) {
            throw McpException.http(400, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"jsonrpc\" must be \"2.0\"")
                    .withRequestId(validId(id) ? id : null);
        }
        JsonNode method = obj.get("method");
        if (method != null) {
            if (!method.isTextual() || method.textValue().isEmpty()) {
                throw McpException.http(400, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"method\" must be a non-empty string")
                        .withRequestId(validId(id) ? id : null);
            }
            JsonNode params = obj.get("params");
            if (params != null && !params.isObject()) {
                throw McpException.http(400, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"params\" must be an object")
                        .withRequestId(validId(id) ? id : null);
            }
            if (id == null) {
                return new JsonRpcMessage(JsonRpcMessage.Kind.NOTIFICATION, null, method.textValue(), params, obj);
            }
            if (!validId(id)) {
                throw McpException.http(400, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"id\" must be a string or an integer");
            }
            return new JsonRpcMessage(JsonRpcMessage.Kind.REQUEST, id, method.textValue(), params, obj);
        }
        boolean hasResult = obj.has("result");
        boolean hasError = obj.has("error");
        if (hasResult == hasError || !validId(id)) {
            throw McpException.http(400, ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: not a request, notification or response");
        }
        return new JsonRpcMessage(JsonRpcMessage.Kind.RESPONSE, id, null, null, obj);
    }

    private static boolean validId(JsonNode id) {
        return id != null && (id.isIntegralNumber() || id.isTextual() && wellFormed(id.textValue()));
    }

    /**
     * Whether a string is valid Unicode: no lone UTF-16 surrogate (JSON's {@code "\ud800"} escape can make one). Such
     * an id cannot be written as UTF-8, so it would reach the upstream changed and its answer never match.
     */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /**
     * What is wrong with an upstream's JSON answer to the request {@code id}, or null when it is a JSON-RPC response
     * to that request: one object, {@code "jsonrpc": "2.0"}, the same id (and id type), a result or an error (with an
     * integer code and a string message), nothing after it. Read as a token stream, skipping the result's contents, so
     * the check costs no tree on the hot path.
     */
    public String responseProblem(byte[] body, JsonNode id) {
        try (JsonParser p = mapper.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "answered something that is not a JSON-RPC response";
            }
            boolean rpc = false;
            JsonNode answered = null;
            int results = 0;
            String errorProblem = null;
            boolean method = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "jsonrpc" -> rpc = value == JsonToken.VALUE_STRING && "2.0".equals(p.getText());
                    case "id" -> answered = mapper.readTree(p);
                    case "result" -> {
                        results++;
                        p.skipChildren();
                    }
                    case "error" -> {
                        results++;
                        errorProblem = errorProblem(mapper.readTree(p));
                    }
                    case "method" -> {
                        method = true;
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                return "answered JSON with trailing data";
            }
            return problem(rpc, method, results, answered, id, errorProblem);
        } catch (IOException e) {
            return "answered something that is not JSON";
        }
    }

    /** The same check on an answer already parsed. */
    public static String responseProblem(JsonNode answer, JsonNode id) {
        if (answer == null || !answer.isObject()) {
            return "answered something that is not a JSON-RPC response";
        }
        int results = (answer.has("result") ? 1 : 0) + (answer.has("error") ? 1 : 0);
        return problem("2.0".equals(answer.path("jsonrpc").textValue()), answer.has("method"), results, answer.get("id"),
                id, answer.has("error") ? errorProblem(answer.get("error")) : null);
    }

    private static String problem(boolean rpc, boolean method, int results, JsonNode answered, JsonNode id,
                                  String errorProblem) {
        if (!rpc || method || results != 1) {
            return "answered something that is not a JSON-RPC response";
        }
        if (answered == null || !answered.equals(id)) {
            String other = answered == null ? "missing" : answered.toString();
            return "answered another request (id " + (other.length() > 40 ? other.substring(0, 40) + "…" : other) + ")";
        }
        return errorProblem;
    }

    private static String errorProblem(JsonNode error) {
        return error.isObject() && error.path("code").isIntegralNumber() && error.path("message").isTextual()
                ? null : "answered a malformed JSON-RPC error";
    }

    /** A request envelope ({@code jsonrpc}, {@code id}, {@code method}); the caller adds {@code params} if any. */
    public static ObjectNode request(String id, String method) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("jsonrpc", "2.0");
        out.put("id", id);
        out.put("method", method);
        return out;
    }

    /** A notification envelope ({@code jsonrpc}, {@code method}); the caller adds {@code params} if any. */
    public static ObjectNode notification(String method) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("jsonrpc", "2.0");
        out.put("method", method);
        return out;
    }

    public ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode out = object();
        out.put("jsonrpc", "2.0");
        out.set("id", id);
        out.set("result", result);
        return out;
    }

    public ObjectNode error(JsonNode id, int code, String message, Object data) {
        ObjectNode out = object();
        out.put("jsonrpc", "2.0");
        out.set("id", id); // null id is written as JSON null, as JSON-RPC requires when the id is unknown
        ObjectNode err = out.putObject("error");
        err.put("code", code);
        err.put("message", message);
        if (data != null) {
            err.set("data", mapper.valueToTree(data));
        }
        return out;
    }

    public byte[] write(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    public JsonNode read(byte[] bytes) throws IOException {
        return mapper.readTree(bytes);
    }

    public JsonNode read(String text) throws IOException {
        return mapper.readTree(text);
    }

}
