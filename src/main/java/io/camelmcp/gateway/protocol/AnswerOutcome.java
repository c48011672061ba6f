package io.camelmcp.gateway.protocol;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * How one JSON-RPC answer ended, read from its bytes as a token stream: the top level and the members of its
 * {@code error} or {@code result} only, nothing else decoded and no tree built (the audit log and the call metrics
 * read every tool call's answer this way).
 *
 * @param kind what the answer is
 * @param code the error's code (ERROR only; null when the error has none)
 */
public record AnswerOutcome(Kind kind, Integer code) {

    public enum Kind {
        /** a result */
        OK,
        /** a result with {@code isError: true} (a tool that failed) */
        TOOL_ERROR,
        /** a result with {@code resultType: "input_required"} (2026-07-28 multi round-trip) */
        INPUT_REQUIRED,
        /** a JSON-RPC error */
        ERROR,
        /** JSON, but neither a result nor an error object at its top */
        NO_ANSWER,
        /** not JSON (or cut off) */
        NOT_JSON
    }

    private static final AnswerOutcome OK = new AnswerOutcome(Kind.OK, null);
    private static final AnswerOutcome TOOL_ERROR = new AnswerOutcome(Kind.TOOL_ERROR, null);
    private static final AnswerOutcome INPUT_REQUIRED = new AnswerOutcome(Kind.INPUT_REQUIRED, null);
    private static final AnswerOutcome NO_ANSWER = new AnswerOutcome(Kind.NO_ANSWER, null);
    private static final AnswerOutcome NOT_JSON = new AnswerOutcome(Kind.NOT_JSON, null);

    public static AnswerOutcome read(JsonFactory factory, byte[] body, int offset, int length) {
        try (JsonParser p = factory.createParser(body, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return NO_ANSWER;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("error".equals(name) && value == JsonToken.START_OBJECT) {
                    Integer code = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_NUMBER_INT && "code".equals(field)) {
                            code = p.getIntValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                    return new AnswerOutcome(Kind.ERROR, code);
                }
                if ("result".equals(name) && value == JsonToken.START_OBJECT) {
                    AnswerOutcome o = OK;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        JsonToken v = p.nextToken();
                        if ("isError".equals(field) && v == JsonToken.VALUE_TRUE) {
                            return TOOL_ERROR;
                        }
                        if ("resultType".equals(field) && v == JsonToken.VALUE_STRING && "input_required".equals(p.getText())) {
                            o = INPUT_REQUIRED;
                        }
                        p.skipChildren();
                    }
                    return o;
                }
                p.skipChildren();
            }
            return NO_ANSWER;
        } catch (IOException e) {
            return NOT_JSON;
        }
    }

    /** The {@code error.type} of an answer that is no error (the call metrics' tag value). */
    public static final String NONE = "none";
    /** The {@code error.type} of a tool result with {@code isError}. */
    public static final String TOOL_ERROR_TYPE = "tool_error";

    /**
     * The {@code error.type} of a request's outcome, as the OpenTelemetry conventions for MCP name it: the JSON-RPC
     * error code of the exception it ended with (the gateway's own refusals: -32001 and the like) or of its answer,
     * {@code tool_error} for a tool call's result with {@code isError}, {@code invalid_answer} for an answer that is
     * not JSON, the exception's class name for any other failure; null for a success.
     *
     * @param failure the exception the request ended with, or null
     * @param answer  the JSON answer's bytes, or null (none, or a stream)
     */
    public static String errorType(Exception failure, byte[] answer, boolean toolCall, JsonFactory factory) {
        if (failure instanceof McpException m) {
            return Integer.toString(m.code());
        }
        if (failure != null) {
            return failure.getClass().getName(); // the conventions' form (never empty, as an anonymous class's simple name is)
        }
        if (answer == null) {
            return null;
        }
        AnswerOutcome a = read(factory, answer, 0, answer.length);
        return switch (a.kind()) {
            case ERROR -> a.code() == null ? "error" : Integer.toString(a.code());
            case TOOL_ERROR -> toolCall ? TOOL_ERROR_TYPE : null;
            case NOT_JSON -> "invalid_answer";
            case OK, INPUT_REQUIRED, NO_ANSWER -> null;
        };
    }
}
